// Temporary Access Pass on a real database (SQLite and PostgreSQL, same file): who may issue one
// and within which limits, one per user, only a keyed hash at rest, and its use at sign-in —
// expiry, lockout (C7), and one success for 50 concurrent uses of a one-time pass (C6-like).
import fs from "node:fs";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "../../lib/auth/permissions";
import { whatIf } from "../../lib/conditional-access/what-if";
import { getDb, isPostgres } from "../../lib/db/client";
import { resolveDatabaseTarget } from "../../lib/db/database-url";
import type { DirectoryAdmin } from "../../lib/directory/user-action";
import { deleteUserMethod, getUserDetails } from "../../lib/directory/users";
import { changeDefaultMethod } from "../../lib/methods/default-method";
import { deleteAuthenticationMethod } from "../../lib/methods/delete-method";
import { FRESH_MFA_MINUTES } from "../../lib/methods/fresh-mfa";
import { TAP_NOT_ENABLED_REASON, issueTemporaryAccessPass } from "../../lib/methods/issue-temporary-access-pass";
import { getSecurityInfo } from "../../lib/methods/security-info";
import { SecurityInfoFailure } from "../../lib/methods/security-info-change";
import { deleteExpiredTemporaryAccessPasses, temporaryAccessPassMethodId } from "../../lib/methods/temporary-access-pass";
import { TemporaryAccessPassFailure, verifyTemporaryAccessPass } from "../../lib/methods/verify-temporary-access-pass";
import { METHOD_POLICY_DEFAULTS, type MethodSettings } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { checkTemporaryAccessPassStep } from "../../lib/signin/temporary-access-pass-step";
import { makeSecurityInfoActor, makeToken, makeUser, setSessionMfaAt, unique } from "../support/factories";

const db = getDb();
const client = { ipAddress: "203.0.113.60", userAgent: "Vitest" };
const PARALLEL = 50;
const minutes = (from: Date, n: number) => new Date(from.getTime() + n * 60_000);
const tapSettings = (changes: Partial<MethodSettings["temporaryAccessPass"]> = {}) => ({ ...METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings, ...changes });

async function tapPolicy(options: { enabled?: boolean; groupIds?: string[]; settings?: Partial<MethodSettings["temporaryAccessPass"]> } = {}) {
  const groupIds = options.groupIds ?? [];
  const saved = await saveMethodPolicy({
    db, method: "temporaryAccessPass", enabled: options.enabled ?? true, includeAllUsers: groupIds.length === 0, groupIds, settings: tapSettings(options.settings), actor: { id: null, upn: "system" },
  });
  if (!saved.ok) throw new Error(saved.reason);
}

async function makeAdmin(role: Role): Promise<DirectoryAdmin> {
  const user = await makeUser({ roles: [role] });
  return { id: user.id, upn: user.upn, roles: [role], ipAddress: "198.51.100.60" };
}

async function issue(userId: string, options: { actor?: DirectoryAdmin; lifetimeMinutes?: number; oneTimeUse?: boolean; startsAt?: Date; now?: Date } = {}) {
  const result = await issueTemporaryAccessPass({ db, userId, actor: options.actor ?? (await makeAdmin("Global Administrator")), ...options });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** Password step for a user whose second step is the TAP (or who holds other methods too). */
async function passwordStep(user: { upn: string; password: string }, now?: Date, callbackUrl = "/mysecurityinfo") {
  const result = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl, client, now });
  if (result.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${result.outcome}`);
  return result;
}

const lastSignIn = (userId: string) =>
  db.signIn.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });

beforeEach(async () => {
  await tapPolicy();
});

// Later files meet the policy as it was before (no saved TAP policy: off).
afterAll(async () => {
  await db.authenticationMethodPolicy.deleteMany({ where: { method: "temporaryAccessPass" } });
});

describe("issuing a Temporary Access Pass", () => {
  it("lets an Authentication Administrator issue to non-admins only; Privileged and Global Administrators to anyone", async () => {
    const user = await makeUser();
    const admin = await makeUser({ roles: ["Helpdesk Administrator"] });
    const authAdmin = await makeAdmin("Authentication Administrator");
    const refused = await issueTemporaryAccessPass({ db, userId: admin.id, actor: authAdmin });
    expect(refused).toEqual({ ok: false, reason: expect.stringMatching(/holds an admin role; your role may manage non-admin users only/) });
    expect(await db.temporaryAccessPass.count({ where: { userId: admin.id } })).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "Temporary Access Pass issued", targetId: admin.id } })).toMatchObject({ result: "failure", actorId: authAdmin.id });

    expect(await issueTemporaryAccessPass({ db, userId: user.id, actor: authAdmin })).toMatchObject({ ok: true, upn: user.upn });
    for (const role of ["Privileged Authentication Administrator", "Global Administrator"] as const) {
      expect(await issueTemporaryAccessPass({ db, userId: admin.id, actor: await makeAdmin(role) })).toMatchObject({ ok: true, upn: admin.upn });
    }
    // Roles without tap.issue are refused by the same frame.
    for (const role of ["Helpdesk Administrator", "Security Reader", "Authentication Policy Administrator"] as const) {
      expect(await issueTemporaryAccessPass({ db, userId: user.id, actor: await makeAdmin(role) })).toMatchObject({ ok: false });
    }
  });

  it("refuses when the methods policy doesn't enable TAP for the user, with what to do", async () => {
    const user = await makeUser();
    const member = await makeUser();
    await tapPolicy({ enabled: false });
    expect(await issueTemporaryAccessPass({ db, userId: user.id, actor: await makeAdmin("Global Administrator") })).toEqual({ ok: false, reason: TAP_NOT_ENABLED_REASON });
    expect(TAP_NOT_ENABLED_REASON).toMatch(/^Turn on Temporary Access Pass in Authentication methods for this user first/);
    const group = await db.group.create({ data: { name: unique("tap-group"), members: { create: [{ userId: member.id }] } } });
    await tapPolicy({ groupIds: [group.id] });
    expect(await issueTemporaryAccessPass({ db, userId: user.id, actor: await makeAdmin("Global Administrator") })).toEqual({ ok: false, reason: TAP_NOT_ENABLED_REASON });
    expect(await issueTemporaryAccessPass({ db, userId: member.id, actor: await makeAdmin("Global Administrator") })).toMatchObject({ ok: true });
    expect(await db.temporaryAccessPass.count({ where: { userId: user.id } })).toBe(0);
  });

  it("keeps the lifetime within the policy's limits (default: the policy's), the length and one-time use the policy's", async () => {
    const user = await makeUser();
    const now = new Date("2026-11-25T08:00:00Z");
    await tapPolicy({ settings: { minLifetimeMinutes: 30, maxLifetimeMinutes: 600, defaultLifetimeMinutes: 90, length: 12 } });
    for (const lifetimeMinutes of [29, 601]) {
      const refused = await issueTemporaryAccessPass({ db, userId: user.id, actor: await makeAdmin("Global Administrator"), lifetimeMinutes, now });
      expect(refused).toEqual({ ok: false, reason: "Choose a lifetime between 30 and 600 minutes (the Temporary Access Pass policy's limits)." });
    }
    const byDefault = await issue(user.id, { now });
    expect(byDefault).toMatchObject({ startsAt: now, expiresAt: minutes(now, 90), oneTimeUse: false });
    expect(byDefault.pass).toMatch(/^[A-HJ-NP-Za-km-z2-9]{12}$/);
    expect(await issue(user.id, { lifetimeMinutes: 600, now })).toMatchObject({ expiresAt: minutes(now, 600) });

    // Entra's own bounds: 8–48 characters; a policy saying "one-time" makes every pass one-time.
    await tapPolicy({ settings: { length: 48, oneTimeUse: true } });
    const long = await issue(user.id, { oneTimeUse: false, now });
    expect(long.pass).toHaveLength(48);
    expect(long.oneTimeUse).toBe(true);
    await tapPolicy({ settings: { length: 8 } });
    expect((await issue(user.id, { oneTimeUse: true, now })).pass).toHaveLength(8);

    // A later start is kept; a start in the past or more than 30 days ahead is refused.
    const later = await issue(user.id, { startsAt: minutes(now, 120), now });
    expect(later).toMatchObject({ startsAt: minutes(now, 120), expiresAt: minutes(now, 180) });
    const admin = await makeAdmin("Global Administrator");
    expect(await issueTemporaryAccessPass({ db, userId: user.id, actor: admin, startsAt: minutes(now, -60), now })).toEqual({ ok: false, reason: "The start time is in the past. Leave it empty to start now." });
    expect(await issueTemporaryAccessPass({ db, userId: user.id, actor: admin, startsAt: minutes(now, 31 * 24 * 60), now })).toEqual({ ok: false, reason: "The start time can be at most 30 days ahead." });
  });

  it("keeps one pass per user: a new one replaces the old, whose pass and id stop working", async () => {
    const user = await makeUser();
    const first = await issue(user.id);
    const firstRow = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    const second = await issue(user.id);
    expect(second.replaced).toBe(true);
    expect(first.replaced).toBe(false);
    expect(second.pass).not.toBe(first.pass);
    const rows = await db.temporaryAccessPass.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].id).not.toBe(firstRow.id);
    expect(await verifyTemporaryAccessPass({ db, userId: user.id, pass: first.pass })).toMatchObject({ ok: false, failure: TemporaryAccessPassFailure.WrongPass });
    // A form still naming the old pass finds nothing to delete; the new one stays.
    const actor = await makeSecurityInfoActor(user, { ipAddress: "203.0.113.61" });
    expect(await deleteAuthenticationMethod({ db, actor, methodId: temporaryAccessPassMethodId(firstRow.id) })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    expect(await verifyTemporaryAccessPass({ db, userId: user.id, pass: second.pass })).toEqual({ ok: true, oneTimeUse: false });
  });

  it("stores only a keyed hash: the pass is in no column of any table, nor in the audit log or the user's notice", async () => {
    const user = await makeUser();
    const admin = await makeAdmin("Global Administrator");
    const issued = await issue(user.id, { actor: admin });
    // Ordinary queries don't even return the hash.
    expect(await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } })).not.toHaveProperty("passHash");
    const { passHash } = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id }, select: { passHash: true } });
    expect(passHash).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "Temporary Access Pass issued", targetId: user.id, result: "success" } });
    expect(audit).toMatchObject({ actorId: admin.id, actorUpn: admin.upn, ipAddress: "198.51.100.60" });
    expect(JSON.parse(audit.details)).toMatchObject({ oneTimeUse: false, lifetimeMinutes: 60, expiresAt: issued.expiresAt.toISOString() });
    const notice = await db.outboxMessage.findFirstOrThrow({ where: { to: user.upn, subject: "A Temporary Access Pass was issued for your account" } });
    expect(notice.body).toContain(admin.upn);

    // Every row of every table, as text: the pass appears nowhere.
    const tables = isPostgres()
      ? await db.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`);
    expect(tables.map((t) => t.name)).toContain("TemporaryAccessPass");
    for (const { name } of tables) {
      const rows = await db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`);
      const text = JSON.stringify(rows, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
      expect(text.includes(issued.pass), `table ${name}`).toBe(false);
    }
    // And on SQLite, not in the database file either (free pages and the WAL included after a checkpoint).
    if (!isPostgres()) {
      const target = resolveDatabaseTarget();
      if (target.provider !== "sqlite") throw new Error("expected SQLite");
      await db.$queryRawUnsafe("PRAGMA wal_checkpoint(FULL)");
      expect(fs.readFileSync(target.filePath).includes(Buffer.from(issued.pass))).toBe(false);
    }
  });
});

describe("signing in with a Temporary Access Pass", () => {
  it("is asked for directly when the user has no other method, satisfies MFA, counts as a fresh MFA and lands on Security info", async () => {
    const user = await makeUser();
    // Before the pass: no method, so single-factor for Security info (as before).
    expect((await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client })).outcome).toBe("complete");
    const issued = await issue(user.id, { oneTimeUse: true });
    const row = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    const methodId = temporaryAccessPassMethodId(row.id);

    const step = await passwordStep(user);
    expect(step.methods).toEqual([{ methodId, prompt: "Use a Temporary Access Pass", type: "Temporary Access Pass" }]);
    expect(step.defaultMethodId).toBe(methodId);
    // The half-signed-in state can't be skipped.
    expect(await redeemSignInHandle({ db, handle: step.handle })).toBeNull();

    // Spaces (a pass read out in groups) are ignored; letters keep their case.
    const spaced = `${issued.pass.slice(0, 4)} ${issued.pass.slice(4)}`;
    const before = Date.now();
    expect(await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: spaced })).toEqual({ outcome: "complete", redirectTo: "/mysecurityinfo" });
    const identity = await redeemSignInHandle({ db, handle: step.handle });
    expect(identity).toMatchObject({ userId: user.id, callbackUrl: "/mysecurityinfo" });
    expect(identity!.mfaAt).toBeGreaterThanOrEqual(before);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.lastMfaAt!.getTime()).toBe(identity!.mfaAt);

    const record = await lastSignIn(user.id);
    expect(record).toMatchObject({ status: "success", authRequirement: "multiFactor" });
    expect(record.steps.map(({ method, requirement, succeeded, detail }) => ({ method, requirement, succeeded, detail }))).toEqual([
      { method: "Password", requirement: "primary", succeeded: true, detail: "" },
      { method: "Temporary Access Pass", requirement: "mfa", succeeded: true, detail: "One-time use" },
    ]);

    // Security info shows the spent pass with its expiry, and the user may register a method now.
    const info = await getSecurityInfo({ db, userId: user.id });
    expect(info.mfaFresh).toBe(true);
    expect(info.entries.find((e) => e.type === "Temporary Access Pass")).toMatchObject({
      methodId, detail: "one-time use", note: "Used (one-time use)",
      times: [{ label: "Valid from", at: expect.any(Date) }, { label: "until", at: expect.any(Date) }],
    });
    // A one-time pass is not offered again.
    expect((await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client })).outcome).toBe("complete");
  });

  it("is offered under 'Sign in another way' after the user's own methods, and can never become the default", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: minutes(new Date(), -5) });
    await issue(user.id);
    const row = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    const step = await passwordStep(user);
    expect(step.defaultMethodId).toBe(`hardwareToken:${token.id}`);
    expect(step.methods.map((m) => m.type)).toEqual(["Hardware token", "Temporary Access Pass"]);

    const actor = await makeSecurityInfoActor(user, { ipAddress: "203.0.113.62" });
    expect(await changeDefaultMethod({ db, actor, methodId: temporaryAccessPassMethodId(row.id) })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    const info = await getSecurityInfo({ db, userId: user.id });
    expect(info.mfaMethods.map((m) => m.methodId)).toEqual([`hardwareToken:${token.id}`]);
    expect(info.defaultMethodId).toBe(`hardwareToken:${token.id}`);
  });

  it("gets an admin with no other method into the admin console's MFA; the session still lands on Security info", async () => {
    const admin = await makeUser({ roles: ["Authentication Administrator"] });
    expect(await whatIf({ db, upn: admin.upn, resource: "Admin console" })).toMatchObject({ outcome: expect.stringMatching(/has no usable method: the sign-in would be refused/) });
    const issued = await issue(admin.id, { actor: await makeAdmin("Privileged Authentication Administrator") });
    // What if counts the pass as sign-in does.
    expect(await whatIf({ db, upn: admin.upn, resource: "Admin console" })).toMatchObject({ outcome: "Multi-factor authentication required by the admin console's own rule (it always requires MFA)." });
    const step = await passwordStep(admin, undefined, "/admin");
    expect(await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: issued.pass })).toEqual({ outcome: "complete", redirectTo: "/mysecurityinfo" });
    expect(await lastSignIn(admin.id)).toMatchObject({ resource: "Admin console", status: "success", authRequirement: "multiFactor" });
  });

  it("refuses an expired pass with a clear message and deletes it; the sweep deletes expired passes only", async () => {
    const user = await makeUser();
    const issuedAt = new Date();
    const issued = await issue(user.id, { now: issuedAt });
    const afterExpiry = minutes(issued.expiresAt, 1);
    // It runs out between the password step and the pass: refused, explained, deleted, not counted.
    const step = await passwordStep(user, minutes(issued.expiresAt, -2));
    expect(await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: issued.pass, now: afterExpiry })).toEqual({
      outcome: "retry", message: expect.stringMatching(/^Your Temporary Access Pass expired at .* UTC\. Ask your helpdesk for a new one\.$/),
    });
    expect(await db.temporaryAccessPass.count({ where: { userId: user.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
    expect((await lastSignIn(user.id)).steps.at(-1)).toMatchObject({ method: "Temporary Access Pass", succeeded: false, resultDetail: "Temporary Access Pass expired" });

    // Found expired at the password step: not offered, and deleted there.
    const other = await makeUser();
    await issue(other.id, { now: issuedAt });
    expect((await checkPasswordStep({ db, upn: other.upn, password: other.password, callbackUrl: "/mysecurityinfo", client, now: afterExpiry })).outcome).toBe("complete");
    expect(await db.temporaryAccessPass.count({ where: { userId: other.id } })).toBe(0);

    // The periodic sweep: only what has expired by then goes.
    const third = await makeUser();
    const fourth = await makeUser();
    await issue(third.id, { now: issuedAt });
    await issue(fourth.id, { now: issuedAt, lifetimeMinutes: 480 });
    // (Other tests' passes share the database, so only these two rows are looked at.)
    await deleteExpiredTemporaryAccessPasses({ db, now: minutes(issuedAt, 30) });
    expect(await db.temporaryAccessPass.count({ where: { userId: { in: [third.id, fourth.id] } } })).toBe(2);
    expect(await deleteExpiredTemporaryAccessPasses({ db, now: afterExpiry })).toBeGreaterThanOrEqual(1);
    expect(await db.temporaryAccessPass.count({ where: { userId: third.id } })).toBe(0);
    expect(await db.temporaryAccessPass.count({ where: { userId: fourth.id } })).toBe(1);
  });

  it("refuses a pass that hasn't started yet, saying from when, and a malformed one without counting either", async () => {
    const user = await makeUser();
    const now = new Date();
    const issued = await issue(user.id, { startsAt: minutes(now, 120), now });
    const step = await passwordStep(user, now);
    const early = await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: issued.pass, now });
    expect(early).toEqual({ outcome: "retry", message: expect.stringMatching(/^Your Temporary Access Pass is valid from .* UTC\. Sign in again from then\.$/) });
    expect(await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: "short", now })).toEqual({ outcome: "retry", message: expect.stringMatching(/8 to 48 letters and digits/) });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
    expect((await lastSignIn(user.id)).steps.at(-1)).toMatchObject({ method: "Temporary Access Pass", succeeded: false, resultDetail: "Temporary Access Pass not valid yet" });
  });

  it("counts wrong passes towards the per-user MFA lockout, which then refuses even the right pass (C7)", async () => {
    const user = await makeUser();
    const issued = await issue(user.id);
    const now = new Date();
    const step = await passwordStep(user, now);
    const wrong = issued.pass === "abcdefgh" ? "abcdefgk" : "abcdefgh";
    const first = await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: wrong, now });
    expect(first).toEqual({ outcome: "retry", message: "That Temporary Access Pass didn't work. Check it and try again." });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);
    for (let i = 2; i <= 10; i++) await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: wrong, now });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.mfaFailedCount).toBe(10);
    expect(stored.mfaLockedUntil!.getTime()).toBe(minutes(now, 15).getTime());
    const right = await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: issued.pass, now });
    expect(right).toMatchObject({ outcome: "retry", message: expect.stringMatching(/^Too many wrong codes\. Verification is locked until/) });
    expect(await db.auditEvent.count({ where: { action: "MFA locked after too many wrong codes", actorId: user.id, targetType: "temporaryAccessPass" } })).toBe(1);
    expect(await lastSignIn(user.id)).toMatchObject({ status: "failure", failureReason: "MFA locked after too many wrong codes" });
  });

  it(`gives exactly one success for ${PARALLEL} concurrent sign-ins with one one-time pass`, async () => {
    const user = await makeUser();
    const issued = await issue(user.id, { oneTimeUse: true });
    const now = new Date();
    const pendings = [];
    for (let i = 0; i < PARALLEL; i++) pendings.push(await passwordStep(user, now));

    const results = await Promise.all(pendings.map((p) => checkTemporaryAccessPassStep({ db, handle: p.handle, pass: issued.pass, now })));
    expect(results.filter((r) => r.outcome === "complete")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "retry" && /was for one use only and has been used/.test(r.message))).toHaveLength(PARALLEL - 1);
    const redeemed = await Promise.all(pendings.map((p) => redeemSignInHandle({ db, handle: p.handle, now })));
    expect(redeemed.filter(Boolean)).toHaveLength(1);
    expect(await db.signIn.count({ where: { userId: user.id, status: "success" } })).toBe(1);
    // A spent pass is not a guess: nothing counted towards the lockout.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null });
    expect((await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } })).usedAt).toEqual(now);
  });

  it("lets a pass that isn't one-time be used again within its lifetime", async () => {
    const user = await makeUser();
    const issued = await issue(user.id, { oneTimeUse: false });
    for (const offset of [1, 20]) {
      const now = minutes(new Date(), offset);
      const step = await passwordStep(user, now);
      expect(await checkTemporaryAccessPassStep({ db, handle: step.handle, pass: issued.pass, now })).toMatchObject({ outcome: "complete" });
      expect(await redeemSignInHandle({ db, handle: step.handle, now })).toMatchObject({ userId: user.id, mfaAt: now.getTime() });
    }
    expect(await db.signIn.count({ where: { userId: user.id, status: "success", authRequirement: "multiFactor" } })).toBe(2);
  });
});

describe("deleting a Temporary Access Pass", () => {
  it("in Security info: behind the fresh-MFA gate when the user has other methods, audited and notified; another user's pass is 'gone'", async () => {
    const user = await makeUser();
    await makeToken({ userId: user.id, now: minutes(new Date(), -5) });
    await issue(user.id);
    const row = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    const actor = await makeSecurityInfoActor(user, { ipAddress: "203.0.113.63" });
    const methodId = temporaryAccessPassMethodId(row.id);

    await setSessionMfaAt(actor, minutes(new Date(), -(FRESH_MFA_MINUTES + 1)));
    expect(await deleteAuthenticationMethod({ db, actor, methodId })).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    const stranger = await makeUser();
    expect(await deleteAuthenticationMethod({ db, actor: await makeSecurityInfoActor(stranger), methodId })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    expect(await db.temporaryAccessPass.count({ where: { userId: user.id } })).toBe(1);

    await setSessionMfaAt(actor, new Date());
    expect(await deleteAuthenticationMethod({ db, actor, methodId })).toMatchObject({ ok: true, label: "Temporary Access Pass" });
    expect(await db.temporaryAccessPass.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "Delete authentication method", targetId: row.id } })).toMatchObject({ actorId: user.id, targetType: "temporaryAccessPass" });
    expect(await db.outboxMessage.count({ where: { to: user.upn, body: { contains: "Temporary Access Pass was removed" } } })).toBe(1);
  });

  it("in the admin console: listed in the user's methods and deleted by those who may manage their methods", async () => {
    const admin = await makeUser({ roles: ["Security Reader"] });
    const issued = await issue(admin.id, { actor: await makeAdmin("Global Administrator") });
    const row = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: admin.id } });
    const methodId = temporaryAccessPassMethodId(row.id);
    const details = await getUserDetails({ db, userId: admin.id });
    expect(details!.methods).toEqual([
      expect.objectContaining({ methodId, type: "Temporary Access Pass", status: "active", isDefault: false, detail: expect.stringContaining("can be used more than once") }),
    ]);
    expect(await deleteUserMethod({ db, userId: admin.id, methodId, actor: await makeAdmin("Authentication Administrator") })).toMatchObject({ ok: false });
    expect(await deleteUserMethod({ db, userId: admin.id, methodId, actor: await makeAdmin("Privileged Authentication Administrator") })).toMatchObject({ ok: true, label: "Temporary Access Pass" });
    expect(await verifyTemporaryAccessPass({ db, userId: admin.id, pass: issued.pass })).toMatchObject({ ok: false, failure: TemporaryAccessPassFailure.NoPass });
  });
});
