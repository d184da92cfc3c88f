import Link from "next/link";
import type { Metadata } from "next";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { ageInYears } from "@/lib/core/clinical/age";
import { countLabel } from "@/lib/server/pagination";
import { loadPatientListPage } from "@/lib/features/patients/loaders";
import { CsvDownload } from "@/app/_components/export/csv-download";
import { PatientTable } from "./patient-table";

export const metadata: Metadata = { title: "Patients" };

export default async function PatientsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requireActor();
  const { query, page } = await loadPatientListPage(actor, await searchParams);
  const link = (cursor: string) => {
    const url = new URLSearchParams();
    if (query.q) url.set("q", query.q);
    url.set("sort", query.sort);
    url.set("dir", query.dir);
    url.set("cursor", cursor);
    return `/patients?${url.toString()}`;
  };
  return (
    <>
      <h1>Patients</h1>
      <form className="toolbar" role="search" action="/patients">
        <div>
          <label htmlFor="q">Search by name or MRN</label>
          <input id="q" name="q" type="search" defaultValue={query.q ?? ""} autoComplete="off" />
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button className="btn secondary" type="submit">Search</button>
        {query.q && <Link className="btn secondary" href="/patients">Clear</Link>}
        <span style={{ flex: 1 }} />
        <CsvDownload href={`/api/v1/export/patients.csv${query.q ? `?q=${encodeURIComponent(query.q)}` : ""}`} label="Export list (CSV)" fallbackName="patients.csv" />
        {can(actor, "clinical:write") && <Link className="btn" href="/patients/new">New patient</Link>}
      </form>
      <p className="muted" role="status">
        {countLabel(page, "patient", "patients")}
        {query.q ? ` matching “${query.q}”` : ""}
      </p>
      <PatientTable
        sorting={[{ id: query.sort, desc: query.dir === "desc" }]}
        rows={page.items.map((p) => ({
          id: p.id,
          name: `${p.familyName}, ${p.givenName}`,
          mrn: p.mrn,
          birthDate: p.birthDate,
          age: ageInYears(p.birthDate),
          sex: p.sex.toLowerCase(),
          pregnant: p.pregnant,
          clinicName: p.clinicName,
          createdAt: p.createdAt.toISOString(),
        }))}
      />
      <nav className="pager" aria-label="Pages">
        {page.prevCursor ? <Link className="btn secondary small" href={link(page.prevCursor)}>← Previous</Link> : <span />}
        {page.nextCursor && <Link className="btn secondary small" href={link(page.nextCursor)}>Next →</Link>}
      </nav>
    </>
  );
}
