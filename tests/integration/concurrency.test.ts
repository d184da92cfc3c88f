import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient, updatePatient } from "@/lib/features/patients/data";
import { createEpisode, updateEpisode } from "@/lib/features/episodes/data";
import { createVisit } from "@/lib/features/visits/data";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "CC-1" }))).id;
});

const episode = { occurredAt: "2026-11-02T22:00:00Z", durationSeconds: 60, side: "LEFT", movement: "SUSTAINED_CONTRACTION" };

describe("no lost or doubled writes", () => {
  it("50 simultaneous creates with one idempotency key make one episode, and all callers get it", async () => {
    const key = "episode-retry-0001";
    const results = await Promise.all(Array.from({ length: 50 }, () => createEpisode(world.actors.clinician, patientId, episode, { idempotencyKey: key })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await db.episode.count({ where: { patientId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "EPISODE_CREATE", patientId } })).toBe(1);
  });

  it("the same holds for patients and visits; different keys make different records", async () => {
    const patients = await Promise.all(Array.from({ length: 20 }, () => createPatient(world.actors.clinician, validPatient({ mrn: "CC-2" }), { idempotencyKey: "patient-key-0002" })));
    expect(new Set(patients.map((p) => p.id)).size).toBe(1);
    const visits = await Promise.all(Array.from({ length: 20 }, (_, i) => createVisit(world.actors.clinician, patientId, { occurredAt: "2026-11-01T09:00:00Z" }, { idempotencyKey: `visit-key-${i % 2}xyzw` })));
    expect(new Set(visits.map((v) => v.id)).size).toBe(2);
  });

  it("two simultaneous edits of one version: exactly one wins and one is refused, over many rounds", async () => {
    const e = await createEpisode(world.actors.clinician, patientId, { ...episode, occurredAt: "2026-11-03T22:00:00Z" });
    let version = e.version;
    for (let round = 0; round < 30; round++) {
      const outcomes = await Promise.allSettled([
        updateEpisode(world.actors.clinician, e.id, { version, painScore: 1 }),
        updateEpisode(world.actors.admin, e.id, { version, painScore: 9 }),
      ]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[];
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toMatchObject({ code: "CONFLICT" });
      version += 1;
      expect((await db.episode.findUniqueOrThrow({ where: { id: e.id } })).version).toBe(version);
    }
  });

  it("concurrent patient edits never silently overwrite", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CC-3" }));
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => updatePatient(world.actors.clinician, p.id, { version: 1, givenName: `Name${i}` })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
  });
});
