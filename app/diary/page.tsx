import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: { absolute: "Leg diary · Diario de las piernas" }, robots: { index: false, follow: false } };

/** /diary without a link's token: the diary's own not-found page (both languages). */
export default function DiaryIndex(): never {
  notFound();
}
