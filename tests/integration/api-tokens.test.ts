import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as patients from "@/app/api/v1/patients/route";
import { createApiToken, listApiTokens, listClinicApiTokens, revokeApiToken } from "@/lib/features/accounts/api-tokens";
import { DataError } from "@/lib/server/errors";
import { createUser } from "../factories/users";
import { actorFor } from "../factories/users";
import { createWorld, TEST_PASSWORD } from "../factories/world";
import { call, expectError } from "../helpers/api";

const run = promisify(execFile);
let world: Awaited<ReturnType<typeof createWorld>>;
let otherAdmin: ReturnType<typeof actorFor>;

beforeAll(async () => {
  world = await createWorld(db);
  const u = await createUser(db, { email: "other-admin@test.clinic", name: "Other Admin", role: "ADMIN", clinicIds: [world.otherClinic.id], password: TEST_PASSWORD });
  otherAdmin = actorFor(u, [world.otherClinic.id]);
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe("token management (lib/features/accounts/api-tokens)", () => {
  it("every user lists only their own tokens, newest first, without the token or its hash", async () => {
    const a = await createApiToken(world.actors.reader, { name: "first" });
    const b = await createApiToken(world.actors.reader, { name: "second" });
    await createApiToken(world.actors.clinician, { name: "not yours" });
    const mine = await listApiTokens(world.actors.reader);
    expect(mine.map((t) => t.id)).toEqual([b.id, a.id]);
    expect(Object.keys(mine[0]).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt"]);
    expect(mine[0].prefix).toBe(b.token.slice(0, 11));
  });

  it("validates the name field by field", async () => {
    expect((await refusal(createApiToken(world.actors.reader, { name: "  " }))).fields).toHaveProperty("name");
    expect((await refusal(createApiToken(world.actors.reader, { name: "x", scope: "all" }))).fields).toMatchObject({ scope: "Unknown field" });
  });

  it("a token cannot create, list or revoke tokens", async () => {
    const viaToken = { ...world.actors.clinician, via: "token" as const };
    expect((await refusal(createApiToken(viaToken, { name: "minted" }))).code).toBe("FORBIDDEN");
    expect((await refusal(listApiTokens(viaToken))).code).toBe("FORBIDDEN");
  });

  it("admins see and revoke the tokens of their clinics' users; nobody else's", async () => {
    const t = await createApiToken(world.actors.clinician, { name: "clinic token" });
    expect((await listClinicApiTokens(world.actors.admin)).map((x) => x.id)).toContain(t.id);
    expect((await listClinicApiTokens(otherAdmin)).map((x) => x.id)).not.toContain(t.id);
    expect((await refusal(listClinicApiTokens(world.actors.clinician))).code).toBe("FORBIDDEN");
    // Not the owner and not an admin of the owner's clinic: not found, and audited.
    expect((await refusal(revokeApiToken(world.actors.reader, t.id))).code).toBe("NOT_FOUND");
    expect((await refusal(revokeApiToken(otherAdmin, t.id))).code).toBe("NOT_FOUND");
    expect(await db.auditEvent.count({ where: { action: "API_TOKEN_REVOKE", outcome: "DENIED", targetId: t.id } })).toBe(2);
    const revoked = await revokeApiToken(world.actors.admin, t.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    // Revoking again keeps the first time.
    expect((await revokeApiToken(world.actors.clinician, t.id)).revokedAt?.getTime()).toBe(revoked.revokedAt!.getTime());
    expectError(await call(patients.GET, "GET", "/api/v1/patients", { token: t.token }), 401, "UNAUTHENTICATED");
  });
});

describe("npm run token:create", () => {
  const script = (...args: string[]) =>
    run("npx", ["tsx", "--conditions=react-server", "scripts/token-create.ts", ...args], { env: { ...process.env }, cwd: process.cwd() }).then(
      (r) => ({ code: 0, ...r }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
    );

  it("prints a working token once on stdout, for the user's role", async () => {
    const out = await script("--email", "Reader@Test.Clinic", "--name", "diary app");
    expect(out.code).toBe(0);
    const token = out.stdout.trim();
    expect(token).toMatch(/^cc_[A-Za-z0-9_-]{43}$/);
    expect(out.stderr).toMatch(/shown only this once/);
    const row = await db.apiToken.findFirstOrThrow({ where: { name: "diary app" } });
    expect(row.userId).toBe(world.users.reader.id);
    expect((await call(patients.GET, "GET", "/api/v1/patients", { token })).status).toBe(200);
    expectError(await call(patients.POST, "POST", "/api/v1/patients", { token, body: {} }), 403, "FORBIDDEN");
    expect(await db.auditEvent.count({ where: { action: "API_TOKEN_CREATE", targetId: row.id } })).toBe(1);
  }, 60_000);

  it("refuses an unknown user (exit 1) and bad arguments (exit 2)", async () => {
    const unknown = await script("--email", "nobody@test.clinic");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No user has this email/);
    expect(unknown.stdout).toBe("");
    const bad = await script("--name", "x");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--email is required/);
  }, 60_000);
});
