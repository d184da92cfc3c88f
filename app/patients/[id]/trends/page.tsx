import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { loadPatientTrendsPage } from "@/lib/features/trends/loaders";
import { LabTrends } from "../lab-trends";
import { TrendsSection } from "../trends-section";

export const metadata: Metadata = { title: "Trends" };

/** The patient's trends on a page of their own (the same sections the patient page shows). */
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
  const { patient: p, trends, labTrends } = await pageData(loadPatientTrendsPage(actor, id, query));
  return (
    <>
      <p>
        <Link href={`/patients/${id}`}>
          ← Back to {p.familyName}, {p.givenName}
        </Link>
      </p>
      {/* The sections below are headed "Trends" and "Lab trends"; the page's heading says whose. */}
      <h1>
        {p.familyName}, {p.givenName} <span className="badge">MRN {p.mrn}</span>
      </h1>
      <TrendsSection data={trends} searchParams={query} basePath={`/patients/${id}/trends`} />
      <LabTrends data={labTrends} unitSystem={p.unitSystem} />
    </>
  );
}
