import type { Metadata } from "next";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { loadPatientTrendsTab } from "@/lib/features/patients/chart-loaders";
import { TrendsSection } from "../trends-section";

export const metadata: Metadata = { title: "Trends" };

/** The Trends tab: the episode charts over a chosen period (the lab trends are on the Visits and labs tab). */
export default async function PatientTrendsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const actor = await requireActor();
  const { header: h, trends } = await pageData(loadPatientTrendsTab(actor, id, query));
  return <TrendsSection data={trends} searchParams={query} basePath={`/patients/${encodeURIComponent(h.id)}/trends`} />;
}
