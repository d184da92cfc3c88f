"use client";
/**
 * The chart components, loaded once the page is interactive: recharts is about 130 kB of gzip,
 * two thirds of the first-load budget, and every chart has its data table beside it anyway.
 */
import dynamic from "next/dynamic";

const placeholder = () => <div aria-hidden="true" style={{ minHeight: 240 }} />;

export const WeeklyStackedBars = dynamic(() => import("./weekly-stacked-bars").then((m) => m.WeeklyStackedBars), { ssr: false, loading: placeholder });
export const WeeklyLines = dynamic(() => import("./weekly-lines").then((m) => m.WeeklyLines), { ssr: false, loading: placeholder });
export const CategoryBars = dynamic(() => import("./category-bars").then((m) => m.CategoryBars), { ssr: false, loading: placeholder });
