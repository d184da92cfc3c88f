import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { authOptions } from "@/lib/http/auth-options";
import { LOCKOUT_THRESHOLD } from "@/lib/core/password-policy";
import { base32Decode, base32Encode, totp } from "@/lib/server/auth/totp";
import { checkSession, signInWithPassword } from "@/lib/features/accounts/sign-in";
import { DataError } from "@/lib/server/errors";
import {
  confirmTwoFactorEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  resetUserTwoFactor,
  setClinicTwoFactorRequirement,
  startTwoFactorEnrolment,
  twoFactorStatus,
} from "@/lib/features/accounts/two-factor";
import { actorFor, createUser } from "../factories/users";
import { createWorld, TEST_PASSWORD } from "../factories/world";

// The key that encrypts TOTP secrets is derived from it (lib/server/auth/secret-box.ts).
process.env.NEXTAUTH_SECRET = "two-factor-test-secret-0123456789abcdef";

let world: Awaited<ReturnType<typeof createWorld>>;
beforeAll(async () => {
  world = await createWorld(db);
});

const IP = "192.0.2.30";
const STEP = 30_000;
const MIN = 60_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

let userCount = 0;
async function freshUser(clinicId = world.clinic.id) {
  const n = ++userCount;
  const user = await createUser(db, { email: `tf${n}@test.clinic`, name: `Two-factor ${n}`, role: "CLINICIAN", clinicIds: [clinicId], password: TEST_PASSWORD });
  return { user, actor: actorFor(user, [clinicId]) };
}

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

async function sessionFor(email: string, now = new Date(), code?: string): Promise<string> {
  const result = await signInWithPassword(email, TEST_PASSWORD, IP, now, code);
  if (!result.ok) throw new Error(`sign-in as ${email} refused: ${JSON.stringify(result)}`);
  return result.sessionId;
}

/**
 * Enrols the user as the app does (password, then the first code) at time `now`; returns the
 * raw secret (read back from the page's status, as the user's app would) and the recovery codes.
 */
async function enrol(actor: Actor, now = new Date()): Promise<{ secret: Buffer; recoveryCodes: string[]; sessionId: string }> {
  const sessionId = await sessionFor(actor.email, now);
  await startTwoFactorEnrolment(actor, { currentPassword: TEST_PASSWORD });
  const status = await twoFactorStatus(actor);
  const secret = base32Decode(status.pending!.secret);
  const { recoveryCodes } = await confirmTwoFactorEnrolment(actor, sessionId, { code: totp(secret, now.getTime()) }, now);
  return { secret, recoveryCodes, sessionId };
}

/** This user's audit rows from the two-factor and sign-in flows, oldest first: "ACTION OUTCOME reason". */
async function audit(userId: string, actions: string[]) {
  const rows = await db.auditEvent.findMany({ where: { userId, action: { in: actions } }, orderBy: { seq: "asc" } });
  return rows.map((r) => {
    const d = JSON.parse(r.details) as Record<string, unknown>;
    return [r.action, r.outcome, d.reason ?? d.method ?? d.secondFactor, d.failures ?? d.remaining].filter((x) => x !== undefined).join(" ");
  });
}

describe("enrolment", () => {
  it("asks for the password, shows a QR code and key, and turns on only with a right code", async () => {
    const { user, actor } = await freshUser();
    const now = new Date();
    const sessionId = await sessionFor(user.email, now);
    const otherSession = await sessionFor(user.email, now);

    expect((await refusal(startTwoFactorEnrolment(actor, { currentPassword: "not my password" }))).fields).toEqual({
      currentPassword: "This is not your current password",
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret).toBeNull();

    await startTwoFactorEnrolment(actor, { currentPassword: TEST_PASSWORD });
    const status = await twoFactorStatus(actor);
    expect(status).toMatchObject({ enabled: false, recoveryCodesLeft: 0, requiredBy: [] });
    expect(status.pending!.secret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{4}$/);
    expect(status.pending!.uri).toMatch(/^otpauth:\/\/totp\/Cramp%20Clinic:tf\d+%40test\.clinic\?secret=[A-Z2-7]{32}&issuer=Cramp%20Clinic/);
    expect(status.pending!.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(status.pending!.qrDataUrl.split(",")[1], "base64").toString()).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    const secret = base32Decode(status.pending!.secret);
    expect(secret).toHaveLength(20);

    // At rest the secret is sealed: a database dump alone does not give it in any encoding.
    const stored = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret!;
    expect(stored).toMatch(/^v1\./);
    for (const text of [base32Encode(secret), secret.toString("hex"), secret.toString("base64")]) expect(stored).not.toContain(text);

    // Not yet on: sign-in still needs the password only.
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, now)).toMatchObject({ ok: true });

    const wrong = await refusal(confirmTwoFactorEnrolment(actor, sessionId, { code: totp(secret, now.getTime() + 5 * STEP) }, now));
    expect(wrong.code).toBe("VALIDATION");
    expect(wrong.fields.code).toMatch(/does not match/);
    expect((await refusal(confirmTwoFactorEnrolment(actor, sessionId, { code: "12345" }, now))).fields.code).toMatch(/6-digit code/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabled).toBe(false);

    const { recoveryCodes } = await confirmTwoFactorEnrolment(actor, sessionId, { code: totp(secret, now.getTime()) }, now);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { recoveryCodes: true } });
    expect(after.totpEnabled).toBe(true);
    expect(after.totpSecret).toBe(stored);
    // Stored as argon2id hashes only.
    expect(after.recoveryCodes).toHaveLength(10);
    for (const row of after.recoveryCodes) {
      expect(row.codeHash).toMatch(/^\$argon2id\$/);
      for (const code of recoveryCodes) expect(row.codeHash).not.toContain(code.replace("-", ""));
    }
    expect(await twoFactorStatus(actor)).toMatchObject({ enabled: true, pending: null, recoveryCodesLeft: 10 });

    // Other sessions (opened without the second factor) end; this one carries on.
    expect(await checkSession(sessionId, IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: false });
    expect(await checkSession(otherSession, IP)).toEqual({ ok: false, reason: "REVOKED" });

    expect(await audit(user.id, ["TWO_FACTOR_ENROLMENT_START", "TWO_FACTOR_ENABLE"])).toEqual([
      "TWO_FACTOR_ENROLMENT_START SUCCESS",
      "TWO_FACTOR_ENABLE FAILURE WRONG_CODE",
      "TWO_FACTOR_ENABLE SUCCESS",
    ]);
    // Once on, set-up cannot begin again over it.
    expect((await refusal(startTwoFactorEnrolment(actor, { currentPassword: TEST_PASSWORD }))).code).toBe("CONFLICT");
  });

  it("is refused to an API token acting for the user, and audited", async () => {
    const { user, actor } = await freshUser();
    const viaToken: Actor = { ...actor, via: "token" };
    expect((await refusal(startTwoFactorEnrolment(viaToken, { currentPassword: TEST_PASSWORD }))).code).toBe("FORBIDDEN");
    expect((await refusal(twoFactorStatus(viaToken))).code).toBe("FORBIDDEN");
    expect(await audit(user.id, ["TWO_FACTOR_ENROLMENT_START", "TWO_FACTOR_STATUS"])).toEqual([
      "TWO_FACTOR_ENROLMENT_START DENIED FORBIDDEN",
      "TWO_FACTOR_STATUS DENIED FORBIDDEN",
    ]);
  });
});

describe("signing in with two-factor on", () => {
  it("asks for a code after the right password only; a wrong password answers like an unknown account", async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { secret } = await enrol(actor, t0);
    const sessionsBefore = await db.session.count({ where: { userId: user.id } });
    const t1 = at(t0, 2 * MIN);

    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t1)).toEqual({ ok: false, secondFactor: "REQUIRED" });
    const wrongPassword = await signInWithPassword(user.email, "wrong password", IP, t1, totp(secret, t1.getTime()));
    const unknown = await signInWithPassword("nobody-tf@test.clinic", "wrong password", IP, t1, "123456");
    expect(wrongPassword).toEqual({ ok: false });
    expect(unknown).toEqual(wrongPassword);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(sessionsBefore);

    const ok = await signInWithPassword(user.email, TEST_PASSWORD, IP, t1, totp(secret, t1.getTime()));
    expect(ok).toMatchObject({ ok: true, userId: user.id });
    // The same code does not sign in twice, nor does the previous step's code after it.
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t1, 1000), totp(secret, t1.getTime()))).toEqual({ ok: false, secondFactor: "INVALID" });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t1, 1000), totp(secret, t1.getTime() - STEP))).toEqual({ ok: false, secondFactor: "INVALID" });
    // The next step's code does; spaces as apps show them are fine.
    const next = totp(secret, t1.getTime() + STEP);
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t1, STEP), `${next.slice(0, 3)} ${next.slice(3)}`)).toMatchObject({ ok: true });

    expect(await audit(user.id, ["SIGN_IN"])).toEqual([
      "SIGN_IN SUCCESS", // the session enrol() opened
      "SIGN_IN DENIED CODE_REQUIRED",
      "SIGN_IN FAILURE WRONG_PASSWORD 1",
      "SIGN_IN SUCCESS TOTP",
      // A successful sign-in clears the count.
      "SIGN_IN FAILURE WRONG_CODE 1",
      "SIGN_IN FAILURE WRONG_CODE 2",
      "SIGN_IN SUCCESS TOTP",
    ]);
  });

  it(`counts wrong codes towards the lockout: the ${LOCKOUT_THRESHOLD}th failure locks even the right code out`, async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { secret } = await enrol(actor, t0);
    const t1 = at(t0, 2 * MIN);
    // Failures of both kinds add up.
    expect(await signInWithPassword(user.email, "wrong password", IP, t1)).toEqual({ ok: false });
    for (let i = 2; i < LOCKOUT_THRESHOLD; i++) {
      expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t1, "000000")).toEqual({ ok: false, secondFactor: "INVALID" });
    }
    // The locking attempt answers like any refusal of a locked account.
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t1, "000000")).toEqual({ ok: false });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lockedUntil).toEqual(at(t1, 15 * MIN));
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t1, 1000), totp(secret, t1.getTime()))).toEqual({ ok: false });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t1, 1000))).toEqual({ ok: false });
    expect((await audit(user.id, ["SIGN_IN", "ACCOUNT_LOCKED"])).slice(1)).toEqual([
      "SIGN_IN FAILURE WRONG_PASSWORD 1",
      "SIGN_IN FAILURE WRONG_CODE 2",
      "SIGN_IN FAILURE WRONG_CODE 3",
      "SIGN_IN FAILURE WRONG_CODE 4",
      "SIGN_IN FAILURE WRONG_CODE 5",
      "ACCOUNT_LOCKED SUCCESS",
      "SIGN_IN DENIED LOCKED",
      "SIGN_IN DENIED LOCKED",
    ]);
    // After the lock, the right code works again.
    const t2 = at(t1, 15 * MIN + 1000);
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t2, totp(secret, t2.getTime()))).toMatchObject({ ok: true });
  });

  it("accepts each recovery code once, typed in any case and with or without the dash", async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { recoveryCodes } = await enrol(actor, t0);
    const [first, second] = recoveryCodes;
    const t1 = at(t0, MIN);

    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t1, first)).toMatchObject({ ok: true });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t1, first)).toEqual({ ok: false, secondFactor: "INVALID" });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t1, second.toUpperCase().replace("-", " "))).toMatchObject({ ok: true });
    // A recovery code is no way in without the password.
    expect(await signInWithPassword(user.email, "wrong password", IP, t1, recoveryCodes[2])).toEqual({ ok: false });

    const rows = await db.recoveryCode.findMany({ where: { userId: user.id } });
    expect(rows.filter((r) => r.usedAt).length).toBe(2);
    expect(await twoFactorStatus(actor)).toMatchObject({ recoveryCodesLeft: 8 });
    expect(await audit(user.id, ["SIGN_IN", "TWO_FACTOR_RECOVERY_CODE_USED"])).toEqual([
      "SIGN_IN SUCCESS",
      "TWO_FACTOR_RECOVERY_CODE_USED SUCCESS 9",
      "SIGN_IN SUCCESS RECOVERY_CODE",
      "SIGN_IN FAILURE WRONG_CODE 1",
      "TWO_FACTOR_RECOVERY_CODE_USED SUCCESS 8",
      "SIGN_IN SUCCESS RECOVERY_CODE",
      "SIGN_IN FAILURE WRONG_PASSWORD 1",
    ]);
  });

  it("through next-auth: the credentials check answers OTP_REQUIRED, then OTP_INVALID, then signs in", async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { secret } = await enrol(actor, at(t0, -2 * STEP));
    const provider = authOptions.providers.find((p) => p.id === "credentials") as unknown as {
      options: { authorize: (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown> };
    };
    const authorize = (credentials: Record<string, string>) => provider.options.authorize(credentials, { headers: { "x-forwarded-for": "192.0.2.31" } });
    await expect(authorize({ email: user.email, password: TEST_PASSWORD })).rejects.toThrow("OTP_REQUIRED");
    await expect(authorize({ email: user.email, password: TEST_PASSWORD, otp: "000000" })).rejects.toThrow("OTP_INVALID");
    await expect(authorize({ email: user.email, password: "wrong password", otp: "000000" })).resolves.toBeNull();
    await expect(authorize({ email: user.email, password: TEST_PASSWORD, otp: totp(secret, Date.now()) })).resolves.toMatchObject({ id: user.id });
  });
});

describe("turning it off, new recovery codes, admin reset", () => {
  it("turns off with the password and a current code; wrong ones count towards the lockout", async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { secret, sessionId } = await enrol(actor, t0);
    const other = await sessionFor(user.email, at(t0, MIN), totp(secret, t0.getTime() + MIN));
    const t1 = at(t0, 3 * MIN);

    const wrongCode = await refusal(disableTwoFactor(actor, sessionId, { currentPassword: TEST_PASSWORD, code: "000000" }, t1));
    expect(wrongCode.fields).toEqual({ code: expect.stringMatching(/not right/) });
    const wrongPassword = await refusal(disableTwoFactor(actor, sessionId, { currentPassword: "nope", code: totp(secret, t1.getTime()) }, t1));
    expect(wrongPassword.fields).toEqual({ currentPassword: "This is not your current password" });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpEnabled: true, failedSignIns: 2 });

    await disableTwoFactor(actor, sessionId, { currentPassword: TEST_PASSWORD, code: totp(secret, t1.getTime()) }, t1);
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpEnabled: false, totpSecret: null, totpLastStep: null });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await checkSession(sessionId, IP, t1)).toMatchObject({ ok: true });
    expect(await checkSession(other, IP, t1)).toEqual({ ok: false, reason: "REVOKED" });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, at(t1, 1000))).toMatchObject({ ok: true });
    expect(await audit(user.id, ["TWO_FACTOR_DISABLE"])).toEqual([
      "TWO_FACTOR_DISABLE FAILURE WRONG_CODE 1",
      "TWO_FACTOR_DISABLE FAILURE WRONG_PASSWORD 2",
      "TWO_FACTOR_DISABLE SUCCESS TOTP",
    ]);
  });

  it("replaces the recovery codes after a current code: the old ones stop working", async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { secret, recoveryCodes: old } = await enrol(actor, t0);
    const t1 = at(t0, MIN);
    expect((await refusal(regenerateRecoveryCodes(actor, { code: "000000" }, t1))).fields.code).toMatch(/not right/);
    const { recoveryCodes } = await regenerateRecoveryCodes(actor, { code: totp(secret, t1.getTime()) }, t1);
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes.filter((c) => old.includes(c))).toEqual([]);
    const t2 = at(t1, MIN);
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t2, old[0])).toEqual({ ok: false, secondFactor: "INVALID" });
    expect(await signInWithPassword(user.email, TEST_PASSWORD, IP, t2, recoveryCodes[0])).toMatchObject({ ok: true });
    expect(await audit(user.id, ["TWO_FACTOR_RECOVERY_CODES_REPLACE"])).toEqual([
      "TWO_FACTOR_RECOVERY_CODES_REPLACE FAILURE WRONG_CODE 1",
      "TWO_FACTOR_RECOVERY_CODES_REPLACE SUCCESS TOTP",
    ]);
  });

  it("lets an admin of the user's clinic reset it (not a clinician, not another clinic's admin, not for themself)", async () => {
    const { user, actor } = await freshUser();
    const t0 = new Date();
    const { sessionId } = await enrol(actor, t0);
    const otherAdmin = await createUser(db, { email: "admin-other@test.clinic", name: "Other admin", role: "ADMIN", clinicIds: [world.otherClinic.id], password: TEST_PASSWORD });

    expect((await refusal(resetUserTwoFactor(world.actors.clinician, user.id))).code).toBe("FORBIDDEN");
    expect((await refusal(resetUserTwoFactor(actorFor(otherAdmin, [world.otherClinic.id]), user.id))).code).toBe("NOT_FOUND");
    expect((await refusal(resetUserTwoFactor(world.actors.admin, world.users.admin.id))).code).toBe("VALIDATION");
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpEnabled: true });

    await resetUserTwoFactor(world.actors.admin, user.id);
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpEnabled: false, totpSecret: null });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await checkSession(sessionId, IP)).toEqual({ ok: false, reason: "REVOKED" });
    const rows = await db.auditEvent.findMany({ where: { action: "TWO_FACTOR_RESET", targetId: user.id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.userId, r.outcome])).toEqual([
      [world.users.clinician.id, "DENIED"],
      [otherAdmin.id, "DENIED"],
      [world.users.admin.id, "SUCCESS"],
    ]);
  });
});

describe("an admin requiring two-factor sign-in", () => {
  it("sends members without it to set-up after sign-in, until they enrol; other clinics are not affected", async () => {
    const { user, actor } = await freshUser();
    const { user: enrolled, actor: enrolledActor } = await freshUser();
    const { user: outsider } = await freshUser(world.otherClinic.id);
    const t0 = new Date();
    const { secret } = await enrol(enrolledActor, t0);

    expect((await refusal(setClinicTwoFactorRequirement(world.actors.clinician, world.clinic.id, true))).code).toBe("FORBIDDEN");
    expect((await refusal(setClinicTwoFactorRequirement(world.actors.admin, world.otherClinic.id, true))).code).toBe("NOT_FOUND");
    expect((await refusal(setClinicTwoFactorRequirement(world.actors.admin, world.clinic.id, "yes"))).code).toBe("VALIDATION");
    // Only an admin who uses two factors may require them.
    expect((await refusal(setClinicTwoFactorRequirement(world.actors.admin, world.clinic.id, true))).fields).toEqual({
      required: expect.stringMatching(/your own account first/),
    });
    expect((await db.clinic.findUniqueOrThrow({ where: { id: world.clinic.id } })).requireTwoFactor).toBe(false);
    await enrol(world.actors.admin, t0);

    const before = await sessionFor(user.email);
    expect(await checkSession(before, IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: false });

    await setClinicTwoFactorRequirement(world.actors.admin, world.clinic.id, true);
    try {
      // Applies at once, to sessions opened before the change too.
      expect(await checkSession(before, IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: true });
      // The password still signs in (so the user can reach set-up), but the session is limited to it.
      const after = await sessionFor(user.email);
      expect(await checkSession(after, IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: true });
      expect(await twoFactorStatus(actor)).toMatchObject({ requiredBy: ["Test Clinic"], enabled: false });

      const enrolledSession = await sessionFor(enrolled.email, at(t0, MIN), totp(secret, t0.getTime() + MIN));
      expect(await checkSession(enrolledSession, IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: false });
      expect(await checkSession(await sessionFor(outsider.email), IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: false });

      // Set-up is allowed in the limited session, and lifts the limit.
      await startTwoFactorEnrolment(actor, { currentPassword: TEST_PASSWORD });
      const pending = base32Decode((await twoFactorStatus(actor)).pending!.secret);
      await confirmTwoFactorEnrolment(actor, after, { code: totp(pending, Date.now()) });
      expect(await checkSession(after, IP)).toMatchObject({ ok: true, mustEnrolTwoFactor: false });
      // Sessions opened without the second factor do not survive enrolment.
      expect(await checkSession(before, IP)).toEqual({ ok: false, reason: "REVOKED" });

      const changes = await db.auditEvent.findMany({ where: { action: "TWO_FACTOR_REQUIREMENT_CHANGE" }, orderBy: { seq: "asc" } });
      expect(changes.map((r) => [r.userId, r.outcome, r.details])).toEqual([
        [world.users.clinician.id, "DENIED", JSON.stringify({ reason: "FORBIDDEN" })],
        [world.users.admin.id, "DENIED", JSON.stringify({ reason: "NOT_FOUND" })],
        [world.users.admin.id, "SUCCESS", JSON.stringify({ from: false, to: true })],
      ]);
    } finally {
      await setClinicTwoFactorRequirement(world.actors.admin, world.clinic.id, false);
    }
  });
});
