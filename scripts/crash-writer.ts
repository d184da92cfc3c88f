/**
 * The child of `npm run crash-test`: writes through lib/features as fast as it can (several writes in
 * flight) until it is killed, and prints one line per ACKNOWLEDGED write, after the call returned:
 *
 *   READY                      connected and warmed up
 *   START                      a write is about to be called
 *   ACK visit <id> <labs>      createVisit returned; the visit was written with <labs> lab results
 *   ACK episode <id>           createEpisode returned
 *
 * Lines go out with a synchronous write, so a line the parent reads was printed after the commit.
 * Environment: DATABASE_URL, CRASH_ACTOR (JSON Actor), CRASH_PATIENTS (JSON ids), CRASH_CONCURRENCY.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { Actor } from "../lib/server/permissions";
import { ANALYTE_UNITS, ANALYTES } from "../lib/core/clinical/vocabulary";

const actor = JSON.parse(process.env.CRASH_ACTOR ?? "null") as Actor;
const patients = JSON.parse(process.env.CRASH_PATIENTS ?? "[]") as string[];
const concurrency = Number(process.env.CRASH_CONCURRENCY ?? 3);
if (!actor || patients.length === 0) throw new Error("CRASH_ACTOR and CRASH_PATIENTS are required");

const { db } = await import("../lib/server/db");
const { createVisit } = await import("../lib/features/visits/data");
const { createEpisode } = await import("../lib/features/episodes/data");

const say = (line: string) => fs.writeSync(1, `${line}\n`);
const pick = <T>(a: readonly T[]) => a[Math.floor(Math.random() * a.length)];
const lastVisit = new Map<string, string>();

async function write(): Promise<void> {
  const patientId = pick(patients);
  const occurredAt = new Date(Date.now() - Math.floor(Math.random() * 30 * 86400_000)).toISOString();
  // Every third write also goes through the idempotency-key path (one more row in the transaction).
  const options = Math.random() < 0.33 ? { idempotencyKey: `crash-${randomBytes(8).toString("hex")}` } : {};
  say("START");
  if (Math.random() < 0.5) {
    const analytes = [...ANALYTES].sort(() => Math.random() - 0.5).slice(0, Math.floor(Math.random() * 6));
    const labs = analytes.map((analyte) => ({ analyte, value: Math.round(Math.random() * 1000) / 100, unit: ANALYTE_UNITS[analyte] }));
    const visit = await createVisit(actor, patientId, { occurredAt, systolic: 120, diastolic: 80, labs, notes: `crash-test labs=${labs.length}` }, options);
    lastVisit.set(patientId, visit.id);
    say(`ACK visit ${visit.id} ${labs.length}`);
  } else {
    const visitId = Math.random() < 0.5 ? (lastVisit.get(patientId) ?? null) : null;
    const episode = await createEpisode(
      actor,
      patientId,
      { occurredAt, durationSeconds: 5 + Math.floor(Math.random() * 600), side: pick(["LEFT", "RIGHT", "BOTH"]), movement: "SUSTAINED_CONTRACTION", painScore: Math.floor(Math.random() * 11), visitId, notes: "crash-test" },
      options,
    );
    say(`ACK episode ${episode.id}`);
  }
}

// Warm up (connection, query plans) so the kills land among steady writes, not in start-up.
await db.clinic.count();
for (let i = 0; i < 4; i++) await write();
say("READY");
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (;;) await write();
  }),
);
