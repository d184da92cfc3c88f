import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { listActorClinics } from "@/lib/features/patients/data";
import { IMPORT_COLUMNS, IMPORT_FIELDS, IMPORT_LIMITS, REQUIRED_IMPORT_FIELDS, importTemplateCsv } from "@/lib/core/import/patients";
import { formatCount } from "@/lib/core/validation/text-limits";
import { ImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import patients" };

export default async function ImportPage() {
  const actor = await requireActor();
  if (!can(actor, "patients:import")) notFound();
  const clinics = await listActorClinics(actor);
  const template = `data:text/csv;charset=utf-8,${encodeURIComponent(importTemplateCsv())}`;
  return (
    <>
      <h1>Import patients</h1>
      <p className="muted">
        Load patients into one of your clinics from a CSV file or a FHIR R4 Bundle (JSON) of Patient resources. Each row is matched on its MRN in that
        clinic: a new MRN creates the patient, a known MRN updates the fields the row gives, and a row that gives what is already stored changes nothing,
        so importing the same file twice changes nothing the second time. Check the file first: the dry run shows what each row would do, and why a row
        would be refused, without saving anything.
      </p>
      <section className="card" aria-labelledby="columns-title">
        <h2 className="card-title" id="columns-title">The CSV columns</h2>
        <p>
          The first row names the columns (in any order). <a href={template} download="patient-import-template.csv">Download the template CSV</a>.
        </p>
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">Columns of the patient import CSV</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Field</th>
                <th scope="col">Needed</th>
                <th scope="col">Takes</th>
              </tr>
            </thead>
            <tbody>
              {IMPORT_FIELDS.map((f) => (
                <tr key={f}>
                  <td><code>{IMPORT_COLUMNS[f].column}</code></td>
                  <td>{IMPORT_COLUMNS[f].label}</td>
                  <td>{REQUIRED_IMPORT_FIELDS.includes(f) ? "Yes" : "No"}</td>
                  <td>{IMPORT_COLUMNS[f].takes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ul className="muted">
          <li>An empty optional cell leaves the stored value as it is; a patient created without it has no height and allergies not recorded.</li>
          <li>
            A FHIR Bundle gives the MRN (the identifier of type MR), the official name, gender and birth date of each Patient; other resources in the
            Bundle are skipped.
          </li>
          <li>
            Refused rows: a missing or repeated MRN (every row of a repeated MRN is refused), a date not written YYYY-MM-DD, an unknown sex, a cell over{" "}
            {formatCount(IMPORT_LIMITS.maxCellChars)} characters, and names or allergies starting with =, +, - or @ (refused rather than changed, as a
            spreadsheet could run them as formulas).
          </li>
          <li>
            At most {formatCount(IMPORT_LIMITS.maxFileBytes / (1024 * 1024))} MB and {formatCount(IMPORT_LIMITS.maxRows)} patients per file, written{" "}
            {formatCount(IMPORT_LIMITS.batchSize)} patients at a time: if a batch fails, that batch saves nothing and the import stops; import the file
            again to finish.
          </li>
        </ul>
      </section>
      {clinics.length ? (
        <ImportForm clinics={clinics.map((c) => ({ id: c.id, name: c.name }))} maxFileBytes={IMPORT_LIMITS.maxFileBytes} />
      ) : (
        <p className="alert error" role="alert">You are not a member of any clinic, so there is nowhere to import patients to.</p>
      )}
    </>
  );
}
