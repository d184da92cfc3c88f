import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "@/lib/core/password-policy";
import { changeOwnPassword, checkSession, signInWithPassword, signOutEverywhere } from "@/lib/features/accounts/sign-in";
import { DataError } from "@/lib/server/errors";
import { changeUserRole, setUserActive } from "@/lib/features/accounts/users";
import { createUser } from "../factories/users";
import { createWorld, TEST_PASSWORD } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
beforeAll(async () => {
  world = await createWorld(db);
});

const IP = "192.0.2.20";
const SEC = 1000;
const MIN = 60 * SEC;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

let userCount = 0;
async function freshUser() {
  const n = ++userCount;
  return createUser(db, { email: `session${n}@test.clinic`, name: `Session ${n}`, role: "CLINICIAN", clinicIds: [world.clinic.id], password: TEST_PASSWORD });
}

async function signIn(email: string, now: Date, password = TEST_PASSWORD): Promise<string> {
  const result = await signInWithPassword(email, password, IP, now);
  if (!result.ok) throw new Error(`sign-in as ${email} refused`);
  return result.sessionId;
}

/** SESSION_END rows written for these sessions: "sessionId reason". */
async function sessionEnds(sessionIds: string[]) {
  const rows = await db.auditEvent.findMany({ where: { action: "SESSION_END" }, orderBy: { seq: "asc" } });
  return rows
    .map((r) => JSON.parse(r.details) as { sessionId: string; reason: string })
    .filter((d) => sessionIds.includes(d.sessionId))
    .map((d) => `${d.sessionId} ${d.reason}`);
}

describe("idle timeout", () => {
  it("keeps a session used within 15 minutes and ends one left alone for longer", async () => {
    const user = await freshUser();
    const t0 = new Date();
    const kept = await signIn(user.email, t0);
    const left = await signIn(user.email, t0);

    const check = await checkSession(kept, IP, at(t0, 14 * MIN + 59 * SEC));
    expect(check).toMatchObject({ ok: true, limit: "IDLE", expiresAt: at(t0, 29 * MIN + 59 * SEC) });
    // Activity moved the idle limit on.
    expect(await checkSession(kept, IP, at(t0, 29 * MIN + 58 * SEC))).toMatchObject({ ok: true });

    expect(await checkSession(left, IP, at(t0, 15 * MIN + 1 * SEC))).toEqual({ ok: false, reason: "IDLE_TIMEOUT" });
    expect(await checkSession(left, IP, at(t0, 15 * MIN + 2 * SEC))).toEqual({ ok: false, reason: "IDLE_TIMEOUT" });
    expect(await db.session.findUniqueOrThrow({ where: { id: left } })).toMatchObject({ endReason: "IDLE_TIMEOUT", endedAt: at(t0, 15 * MIN + 1 * SEC) });
    expect(await sessionEnds([kept, left])).toEqual([`${left} IDLE_TIMEOUT`]);
  });

  it("reports the expiry from the last recorded activity, and a check without touch does not extend it", async () => {
    const user = await freshUser();
    const t0 = new Date();
    const sid = await signIn(user.email, t0);
    // lastSeenAt is written at most every 30 s: 20 s after sign-in it still says t0, and so must expiresAt.
    expect(await checkSession(sid, IP, at(t0, 20 * SEC))).toMatchObject({ ok: true, expiresAt: at(t0, SESSION_IDLE_MS) });
    // The idle warning's question "how long is left?" is not activity.
    expect(await checkSession(sid, IP, at(t0, 14 * MIN), { touch: false })).toMatchObject({ ok: true, expiresAt: at(t0, SESSION_IDLE_MS) });
    expect((await db.session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt).toEqual(t0);
    expect(await checkSession(sid, IP, at(t0, 15 * MIN + 1 * SEC), { touch: false })).toEqual({ ok: false, reason: "IDLE_TIMEOUT" });
    expect(await sessionEnds([sid])).toEqual([`${sid} IDLE_TIMEOUT`]);
  });
});

describe("absolute timeout", () => {
  it("ends a session 12 hours after sign-in however active it was", async () => {
    const user = await freshUser();
    const t0 = new Date();
    const sid = await signIn(user.email, t0);
    for (let t = 10 * MIN; t < SESSION_ABSOLUTE_MS; t += 10 * MIN) {
      const check = await checkSession(sid, IP, at(t0, t));
      expect(check.ok, `at ${t / MIN} minutes`).toBe(true);
    }
    // In the last 15 minutes the limit that applies is the absolute one: activity cannot extend it.
    expect(await checkSession(sid, IP, at(t0, SESSION_ABSOLUTE_MS - 5 * MIN))).toMatchObject({ ok: true, limit: "ABSOLUTE", expiresAt: at(t0, SESSION_ABSOLUTE_MS) });
    expect(await checkSession(sid, IP, at(t0, SESSION_ABSOLUTE_MS + 1 * SEC))).toEqual({ ok: false, reason: "ABSOLUTE_TIMEOUT" });
    expect(await sessionEnds([sid])).toEqual([`${sid} ABSOLUTE_TIMEOUT`]);
  });
});

describe("revocation", () => {
  it("refuses the session of a deactivated user, also after reactivation, and refuses their sign-in", async () => {
    const user = await freshUser();
    const t0 = new Date();
    const sid = await signIn(user.email, t0);
    await setUserActive(world.actors.admin, user.id, false);
    expect(await checkSession(sid, IP, at(t0, MIN))).toEqual({ ok: false, reason: "INACTIVE" });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t0, 2 * MIN))).toEqual({ ok: false });
    const denied = await db.auditEvent.findFirstOrThrow({ where: { userId: user.id, action: "SIGN_IN" }, orderBy: { seq: "desc" } });
    expect([denied.outcome, JSON.parse(denied.details).reason]).toEqual(["DENIED", "INACTIVE"]);

    await setUserActive(world.actors.admin, user.id, true);
    expect(await checkSession(sid, IP, at(t0, 3 * MIN))).toEqual({ ok: false, reason: "INACTIVE" });
    expect(await checkSession(await signIn(user.email, at(t0, 4 * MIN)), IP, at(t0, 5 * MIN))).toMatchObject({ ok: true });
    expect(await sessionEnds([sid])).toEqual([`${sid} INACTIVE`]);
  });

  it("refuses sessions from before a role change; a new session has the new role", async () => {
    const user = await freshUser();
    const t0 = new Date();
    const sid = await signIn(user.email, t0);
    await changeUserRole(world.actors.admin, user.id, { role: "READ_ONLY" });
    expect(await checkSession(sid, IP, at(t0, MIN))).toEqual({ ok: false, reason: "REVOKED" });
    const fresh = await checkSession(await signIn(user.email, at(t0, 2 * MIN)), IP, at(t0, 2 * MIN));
    expect(fresh.ok && fresh.actor.role).toBe("READ_ONLY");
    expect(await sessionEnds([sid])).toEqual([`${sid} REVOKED`]);
  });

  it("signs out everywhere: every session of the user ends, other users' sessions go on", async () => {
    const user = await freshUser();
    const other = await freshUser();
    const t0 = new Date();
    const sids = [await signIn(user.email, t0), await signIn(user.email, t0), await signIn(user.email, t0)];
    const others = await signIn(other.email, t0);
    const check = await checkSession(sids[0], IP, at(t0, MIN));
    if (!check.ok) throw new Error("expected a live session");

    expect(await signOutEverywhere(check.actor, at(t0, 2 * MIN))).toEqual({ ended: 3 });
    for (const sid of sids) expect(await checkSession(sid, IP, at(t0, 3 * MIN))).toEqual({ ok: false, reason: "ENDED" });
    expect(await checkSession(others, IP, at(t0, 3 * MIN))).toMatchObject({ ok: true });
    expect(await db.session.count({ where: { userId: user.id, endReason: "SIGNED_OUT_EVERYWHERE" } })).toBe(3);
    // The version moved too: a session row that somehow escaped the update would still be refused.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(user.sessionVersion + 1);

    const summary = await db.auditEvent.findFirstOrThrow({ where: { userId: user.id, action: "SIGN_OUT_EVERYWHERE" } });
    expect(JSON.parse(summary.details)).toEqual({ sessions: 3 });
    expect((await sessionEnds(sids)).sort()).toEqual(sids.map((s) => `${s} SIGNED_OUT_EVERYWHERE`).sort());
    expect(await checkSession(await signIn(user.email, at(t0, 4 * MIN)), IP, at(t0, 4 * MIN))).toMatchObject({ ok: true });
  });

  it("after a password change, ends the other sessions and keeps the one that made the change", async () => {
    const user = await freshUser();
    const t0 = new Date();
    const mine = await signIn(user.email, t0);
    const elsewhere = await signIn(user.email, t0);
    const check = await checkSession(mine, IP, at(t0, MIN));
    if (!check.ok) throw new Error("expected a live session");

    const tooCommon = await changeOwnPassword(check.actor, mine, TEST_PASSWORD, "Password1234!").then(() => null, (e) => e);
    expect(tooCommon).toBeInstanceOf(DataError);
    expect((tooCommon as DataError).fields).toEqual({ newPassword: "This password is too common" });
    expect(await checkSession(elsewhere, IP, at(t0, MIN))).toMatchObject({ ok: true });

    await changeOwnPassword(check.actor, mine, TEST_PASSWORD, "a fresh pass phrase for cramps");
    expect(await checkSession(mine, IP, at(t0, 2 * MIN))).toMatchObject({ ok: true });
    expect(await checkSession(elsewhere, IP, at(t0, 2 * MIN))).toEqual({ ok: false, reason: "REVOKED" });
    expect(await sessionEnds([mine, elsewhere])).toEqual([`${elsewhere} REVOKED`]);
    expect(await db.auditEvent.count({ where: { userId: user.id, action: "PASSWORD_CHANGE" } })).toBe(1);
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t0, 3 * MIN))).toEqual({ ok: false });
    expect(await signInWithPassword(user.email, "a fresh pass phrase for cramps", IP, at(t0, 3 * MIN))).toMatchObject({ ok: true });
  });
});
