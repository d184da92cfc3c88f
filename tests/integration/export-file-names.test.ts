/**
 * The names export downloads carry (issue 22): a patient's by MRN and the day on the clinic's
 * clock, a clinic-wide one by the clinic, each in a Content-Disposition any MRN leaves valid.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as report from "@/app/api/v1/patients/[id]/report.pdf/route";
import * as handout from "@/app/api/v1/patients/[id]/handout.pdf/route";
import * as fhir from "@/app/api/v1/patients/[id]/fhir/route";
import * as patientEpisodes from "@/app/api/v1/patients/[id]/episodes.csv/route";
import * as allEpisodes from "@/app/api/v1/export/episodes.csv/route";
import * as patientList from "@/app/api/v1/export/patients.csv/route";
import { createPatient } from "@/lib/features/patients/data";
import { localDate } from "@/lib/core/clinical/red-flags";
import { createWorld, validPatient } from "../factories/world";
import { call, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let token: string;
let patientId: string;
/** Today on the test clinic's clock (Europe/Berlin). */
const today = () => localDate(new Date(), "Europe/Berlin");

beforeAll(async () => {
  world = await createWorld(db);
  token = await tokenFor(world.actors.clinician);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "2024/0012" }))).id;
});

const disposition = async (handler: unknown, path: string, params: Record<string, string> = {}) => {
  const answer = await call(handler, "GET", path, { token, params });
  expect(answer.status).toBe(200);
  return answer.headers.get("content-disposition");
};

describe("export file names", () => {
  it("names each of a patient's files by the MRN and today on the clinic's clock", async () => {
    const id = patientId;
    const day = today();
    expect(await disposition(report.GET, `/api/v1/patients/${id}/report.pdf`, { id })).toBe(`inline; filename="MRN2024_0012-report-${day}.pdf"`);
    expect(await disposition(handout.GET, `/api/v1/patients/${id}/handout.pdf`, { id })).toBe(`inline; filename="MRN2024_0012-handout-${day}.pdf"`);
    expect(await disposition(fhir.GET, `/api/v1/patients/${id}/fhir`, { id })).toBe(`attachment; filename="MRN2024_0012-fhir-${day}.json"`);
    expect(await disposition(patientEpisodes.GET, `/api/v1/patients/${id}/episodes.csv`, { id })).toBe(`attachment; filename="MRN2024_0012-episodes-${day}.csv"`);
  });

  it("names clinic-wide files by the clinic", async () => {
    const day = today();
    expect(await disposition(allEpisodes.GET, "/api/v1/export/episodes.csv")).toBe(`attachment; filename="test-clinic-episodes-${day}.csv"`);
    expect(await disposition(patientList.GET, "/api/v1/export/patients.csv")).toBe(`attachment; filename="test-clinic-patients-${day}.csv"`);
  });

  it("keeps a header valid whatever an MRN stored before today's rules holds", async () => {
    // Written past the schema, as data from an older version or an import could be.
    await db.patient.update({ where: { id: patientId }, data: { mrn: 'Zö "7"\r\n; x=1' } });
    const id = patientId;
    const header = await disposition(report.GET, `/api/v1/patients/${id}/report.pdf`, { id });
    // Quotes and the line break (a run of them as one "_") never reach the header; the ö and ";" only in filename*, encoded.
    expect(header).toBe(`inline; filename="MRNZo_7___x_1-report-${today()}.pdf"; filename*=UTF-8''MRNZ%C3%B6_7_%3B_x%3D1-report-${today()}.pdf`);
  });
});
