import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { afterAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { verifyPassword } from "../../lib/auth/password";
import { getDb } from "../../lib/db/client";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { sendEmailOneTimeCode, verifyEmailOneTimeCode } from "../../lib/methods/email-one-time-code";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { createCaptchaChallenge } from "../../lib/sspr/captcha";
import {
  RESET_CODE_FAILED_MESSAGE, completePasswordReset, passwordResetProgress, sendPasswordResetEmailCode, startPasswordReset, verifyPasswordResetCode,
} from "../../lib/sspr/password-reset-flow";
import { confirmSsprMethods, ssprRegistrationStatus } from "../../lib/sspr/registration-interrupt";
import { getSsprPolicy, saveSsprPolicy } from "../../lib/sspr/sspr-policy";
import { SSPR_POLICY_DEFAULTS, type SsprPolicy } from "../../lib/sspr/sspr-policy-model";
import { verifyCodeForRelyingService } from "../../lib/verification-api/verify-code-for-relying-service";
import { makeToken, makeUser, tokenCode, unique, wrongCode } from "../support/factories";
import { latestEmailCode } from "../support/email-codes";
import { solvedCaptcha } from "../support/password-reset";

const db = getDb();
const wide = { account: { limit: 1000, windowMinutes: 60 }, ip: { limit: 1000, windowMinutes: 60 } };
const client = () => ({ ipAddress: `198.51.100.${Math.floor(Math.random() * 250)}`, userAgent: "Vitest" });
const NEW_PASSWORD = "correct horse battery staple 42";

async function setPolicy(changes: Partial<SsprPolicy>) {
  const result = await saveSsprPolicy({ db, policy: { ...SSPR_POLICY_DEFAULTS, enabledFor: "all", ...changes }, actor: systemActor });
  expect(result).toEqual({ ok: true });
}

async function start(upn: string, options: { ip?: string; limits?: typeof wide } = {}) {
  return startPasswordReset({ db, upn, captcha: await solvedCaptcha(), client: { ...client(), ...(options.ip ? { ipAddress: options.ip } : {}) }, limits: options.limits ?? wide });
}

async function startedHandle(upn: string): Promise<string> {
  const result = await start(upn);
  if (result.outcome !== "verify") throw new Error(`reset not started: ${JSON.stringify(result)}`);
  return result.handle;
}

/** A user with an activated hardware token (activated a minute ago, so the current code is unused). */
async function userWithToken(options: Parameters<typeof makeUser>[0] = {}) {
  const user = await makeUser(options);
  const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
  return { user, token };
}

/** Email as a second method: allowed by the methods policy and confirmed for the user. */
async function withConfirmedEmail(userId: string): Promise<string> {
  await saveMethodPolicy({ db, method: "email", enabled: true, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor });
  const address = `${userId}@mail.example`.toLowerCase();
  await db.emailMethod.create({ data: { userId, address, confirmedAt: new Date(), confirmedAddress: address } });
  return address;
}

/** The 8-digit code of the newest password reset mail to the address. */
async function mailedCode(address: string): Promise<string> {
  const mail = await db.outboxMessage.findFirstOrThrow({ where: { to: address }, orderBy: { createdAt: "desc" } });
  return /\b(\d{8})\b/.exec(mail.body)![1];
}

beforeEach(async () => {
  await saveMethodPolicy({ db, method: "email", enabled: false, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor });
});
afterAll(async () => {
  await saveSsprPolicy({ db, policy: SSPR_POLICY_DEFAULTS, actor: systemActor });
  await saveMethodPolicy({ db, method: "email", enabled: false, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor });
});

describe("password reset settings", () => {
  it("are off until saved, round-trip, and are audited", async () => {
    await saveSsprPolicy({ db, policy: SSPR_POLICY_DEFAULTS, actor: systemActor });
    expect((await getSsprPolicy({ db })).enabledFor).toBe("none");
    await setPolicy({ methodsRequired: 2, methods: ["hardwareOath", "email"], reconfirmDays: 30 });
    expect(await getSsprPolicy({ db })).toMatchObject({ enabledFor: "all", methodsRequired: 2, methods: ["hardwareOath", "email"], reconfirmDays: 30 });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "Update password reset policy" }, orderBy: { sequence: "desc" } });
    expect(JSON.parse(event.details)).toMatchObject({ methodsRequired: 2, methods: "hardwareOath,email" });
  });

  it("refuse an impossible combination with a reason and keep what was saved", async () => {
    await setPolicy({ methodsRequired: 1, methods: ["hardwareOath"] });
    const before = await getSsprPolicy({ db });
    expect(await saveSsprPolicy({ db, policy: { ...before, methodsRequired: 2 }, actor: systemActor })).toEqual({
      ok: false,
      reason: "Allow at least as many methods as are required to reset: with 2 required, tick at least two methods.",
    });
    expect(await saveSsprPolicy({ db, policy: { ...before, enabledFor: "selected", groupId: null }, actor: systemActor })).toMatchObject({ ok: false, reason: expect.stringMatching(/Choose the group/) });
    expect(await saveSsprPolicy({ db, policy: { ...before, enabledFor: "selected", groupId: "no-such-group" }, actor: systemActor })).toMatchObject({ ok: false, reason: expect.stringMatching(/no longer exists/) });
    expect(await saveSsprPolicy({ db, policy: { ...before, reconfirmDays: 731 }, actor: systemActor })).toMatchObject({ ok: false });
    expect(await getSsprPolicy({ db })).toEqual(before);
  });
});

describe("password reset: nothing about the account shows (R1)", () => {
  it("answers an existing, unknown, disabled, out-of-scope and too-few-methods UPN alike", async () => {
    const group = await db.group.create({ data: { name: unique("sspr-") } });
    const existing = await userWithToken();
    const disabled = await userWithToken();
    await db.user.update({ where: { id: disabled.user.id }, data: { enabled: false } });
    const outOfScope = await userWithToken();
    const tooFew = await makeUser();
    for (const member of [existing.user, disabled.user, tooFew]) await db.groupMember.create({ data: { groupId: group.id, userId: member.id } });
    await setPolicy({ enabledFor: "selected", groupId: group.id, methodsRequired: 1, methods: ["hardwareOath", "softwareOath"] });

    const upns = { existing: existing.user.upn, unknown: `${unique("nobody")}@contoso.example`, disabled: disabled.user.upn, outOfScope: outOfScope.user.upn, tooFew: tooFew.upn };
    const answers: Record<string, unknown[]> = {};
    for (const [name, upn] of Object.entries(upns)) {
      const started = await start(upn);
      expect(started.outcome).toBe("verify");
      if (started.outcome !== "verify") continue;
      const progress = await passwordResetProgress({ db, handle: started.handle });
      // A code that is right for the token of whoever holds one, wrong for the rest.
      const holder = name === "disabled" ? disabled : name === "outOfScope" ? outOfScope : null;
      const realCode = holder ? tokenCode(holder.token, new Date()) : "123456";
      const wrong = await verifyPasswordResetCode({ db, handle: started.handle, method: "hardwareOath", code: name === "existing" ? wrongCode(existing.token, new Date()) : realCode, client: client() });
      answers[name] = [Object.keys(started).sort(), started.handle.length, progress, wrong];
    }
    expect(answers.existing[2]).toEqual({ stage: "verify", methods: [{ method: "hardwareOath", label: "Hardware token code" }, { method: "softwareOath", label: "Authenticator app code" }], verifiedCount: 0 });
    expect(answers.existing[3]).toEqual({ outcome: "retry", message: RESET_CODE_FAILED_MESSAGE });
    for (const name of ["unknown", "disabled", "outOfScope", "tooFew"]) expect(answers[name], name).toEqual(answers.existing);

    // Only the audit log, which admins read, says why.
    const reasons = await db.auditEvent.findMany({ where: { action: "Self-service password reset started", targetLabel: { in: Object.values(upns) } } });
    expect(Object.fromEntries(reasons.map((r) => [r.targetLabel, JSON.parse(r.details).reason ?? null]))).toEqual({
      [upns.existing]: null,
      [upns.unknown]: "User account not found",
      [upns.disabled]: "User account is disabled",
      [upns.outOfScope]: "User not enabled for password reset",
      [upns.tooFew]: "User has 0 of the 1 methods required",
    });
    // An ineligible reset never gets further, even with the token's real code, and changes nothing.
    for (const holder of [disabled, outOfScope]) {
      expect(await db.user.findUniqueOrThrow({ where: { id: holder.user.id }, select: { mfaFailedCount: true, passwordHash: true } })).toMatchObject({ mfaFailedCount: 0 });
    }
  });
});

describe("password reset: CAPTCHA and rate limits", () => {
  it("needs a solved CAPTCHA before any work, and a solution opens one reset only", async () => {
    await setPolicy({});
    const { user } = await userWithToken();
    const resetsBefore = await db.passwordReset.count();
    for (const captcha of [undefined, "", "bm90IGpzb24=", Buffer.from(JSON.stringify({ challenge: { parameters: {}, signature: "x" }, solution: { counter: 1, derivedKey: "00" } })).toString("base64")]) {
      expect(await startPasswordReset({ db, upn: user.upn, captcha, client: client(), limits: wide })).toMatchObject({ outcome: "refused", captchaFailed: true });
    }
    // A challenge whose parameters were changed (an easier puzzle) fails its signature.
    const challenge = await createCaptchaChallenge();
    const tampered = { ...challenge, parameters: { ...challenge.parameters, keyPrefix: "0" } };
    const cheap = await solveChallenge({ challenge: tampered, deriveKey });
    const forged = Buffer.from(JSON.stringify({ challenge: tampered, solution: cheap })).toString("base64");
    expect(await startPasswordReset({ db, upn: user.upn, captcha: forged, client: client(), limits: wide })).toMatchObject({ outcome: "refused", captchaFailed: true });
    expect(await db.passwordReset.count()).toBe(resetsBefore);

    const captcha = await solvedCaptcha();
    expect((await startPasswordReset({ db, upn: user.upn, captcha, client: client(), limits: wide })).outcome).toBe("verify");
    expect(await startPasswordReset({ db, upn: user.upn, captcha, client: client(), limits: wide })).toMatchObject({ outcome: "refused", captchaFailed: true });
    // Concurrent replays of one fresh solution: exactly one gets through.
    const once = await solvedCaptcha();
    const results = await Promise.all(Array.from({ length: 10 }, () => startPasswordReset({ db, upn: user.upn, captcha: once, client: client(), limits: wide })));
    expect(results.filter((r) => r.outcome === "verify")).toHaveLength(1);
  });

  it("limits per account — known or unknown alike — and per IP, saying when to try again", async () => {
    await setPolicy({});
    const { user } = await userWithToken();
    const unknown = `${unique("ghost")}@contoso.example`;
    const limits = { account: { limit: 2, windowMinutes: 60 }, ip: { limit: 1000, windowMinutes: 60 } };
    const answers: Record<string, unknown> = {};
    for (const upn of [user.upn, unknown]) {
      expect((await start(upn, { limits })).outcome).toBe("verify");
      expect((await start(upn.toUpperCase(), { limits })).outcome).toBe("verify");
      answers[upn] = await start(upn, { limits });
    }
    expect(answers[user.upn]).toEqual({ outcome: "refused", message: "Too many password reset attempts. Try again in 60 minutes." });
    expect(answers[unknown]).toEqual(answers[user.upn]);

    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const perIp = { account: { limit: 1000, windowMinutes: 60 }, ip: { limit: 3, windowMinutes: 30 } };
    for (let i = 0; i < 3; i++) expect((await start(`${unique("ip")}@contoso.example`, { ip, limits: perIp })).outcome).toBe("verify");
    expect(await start(user.upn, { ip, limits: perIp })).toEqual({ outcome: "refused", message: "Too many password reset attempts. Try again in 30 minutes." });
    // Another IP is not held back by this one.
    expect((await start(`${unique("ip")}@contoso.example`, { ip: "203.0.113.251", limits: perIp })).outcome).toBe("verify");
  });
});

describe("password reset: verification", () => {
  it("can't skip a step: the password is refused until every required method is verified, and two steps need two methods", async () => {
    const { user, token } = await userWithToken();
    await withConfirmedEmail(user.id);
    await setPolicy({ methodsRequired: 2, methods: ["hardwareOath", "email"] });
    const handle = await startedHandle(user.upn);
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });

    expect(await completePasswordReset({ db, handle, newPassword: NEW_PASSWORD, client: client() })).toEqual({ outcome: "retry", message: "Verify your identity first." });
    expect(await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: tokenCode(token, new Date()), client: client() })).toEqual({ outcome: "verified", next: "anotherMethod" });
    expect(await completePasswordReset({ db, handle, newPassword: NEW_PASSWORD, client: client() })).toEqual({ outcome: "retry", message: "Verify your identity first." });
    // The same method again is not a second method.
    expect(await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: "123456", client: client() })).toMatchObject({ outcome: "retry", message: expect.stringMatching(/different method/) });
    expect((await passwordResetProgress({ db, handle }))!.methods).toEqual([{ method: "email", label: "Email code" }]);
    // Nothing changed before verification finished (R3).
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } })).toMatchObject({ passwordHash: before.passwordHash, sessionVersion: before.sessionVersion });

    expect(await sendPasswordResetEmailCode({ db, handle })).toMatchObject({ outcome: "sent" });
    const code = await mailedCode(`${user.id}@mail.example`);
    expect(await verifyPasswordResetCode({ db, handle, method: "email", code, client: client() })).toEqual({ outcome: "verified", next: "newPassword" });
    expect((await passwordResetProgress({ db, handle }))!.stage).toBe("newPassword");
    // R4 applies: a common password or one containing the user name is refused.
    expect(await completePasswordReset({ db, handle, newPassword: "password1234", client: client() })).toMatchObject({ outcome: "retry", message: expect.stringMatching(/common/) });
    expect(await completePasswordReset({ db, handle, newPassword: `${user.upn.split("@")[0]} and more words`, client: client() })).toMatchObject({ outcome: "retry", message: expect.stringMatching(/user name/) });
    expect(await completePasswordReset({ db, handle, newPassword: NEW_PASSWORD, client: client() })).toEqual({ outcome: "done" });
  });

  it("holds an admin to two methods under a one-method policy", async () => {
    const { user, token } = await userWithToken({ roles: ["Helpdesk Administrator"] });
    await setPolicy({ methodsRequired: 1, methods: ["hardwareOath", "email"] });
    // With only a token the admin can't reset at all (the answer looks the same as everyone's).
    const handle = await startedHandle(user.upn);
    expect(await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: tokenCode(token, new Date()), client: client() })).toEqual({ outcome: "retry", message: RESET_CODE_FAILED_MESSAGE });
    const started = await db.auditEvent.findFirstOrThrow({ where: { action: "Self-service password reset started", targetId: user.id } });
    expect(JSON.parse(started.details).reason).toBe("User has 1 of the 2 methods required");
    // With email too: two steps.
    await withConfirmedEmail(user.id);
    const second = await startedHandle(user.upn);
    const later = new Date(Date.now() + 30_000);
    expect(await verifyPasswordResetCode({ db, handle: second, method: "hardwareOath", code: tokenCode(token, later), client: client(), now: later })).toEqual({ outcome: "verified", next: "anotherMethod" });
  });

  it("accepts one of 50 concurrent submissions of one valid code (C6)", async () => {
    await setPolicy({});
    const { user, token } = await userWithToken();
    const handles = await Promise.all(Array.from({ length: 50 }, () => startedHandle(user.upn)));
    const code = tokenCode(token, new Date());
    const results = await Promise.all(handles.map((handle) => verifyPasswordResetCode({ db, handle, method: "hardwareOath", code, client: client() })));
    expect(results.filter((r) => r.outcome === "verified")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "retry" && r.message === RESET_CODE_FAILED_MESSAGE)).toHaveLength(49);
    // A replay is not a guess: no lockout failures, but the audit log records it.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "Verification code replayed", actorId: user.id } })).toBeGreaterThan(0);
    // 50 reset starts and 50 checks contending for one SQLite write lock: minutes on a loaded 2-core runner.
  }, 120_000);

  it("counts wrong codes towards the reset's own lock, once per code however many tokens, never the sign-in MFA lockout or the password (C7)", async () => {
    const previous = process.env.MFA_LOCKOUT_THRESHOLD;
    process.env.MFA_LOCKOUT_THRESHOLD = "3";
    try {
      await setPolicy({});
      const { user, token } = await userWithToken();
      const other = await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
      const handle = await startedHandle(user.upn);
      const now = new Date();
      // Wrong for both tokens: each try is checked against both and counts once.
      const wrong = wrongCode(token, now) === wrongCode(other, now) ? wrongCode(token, now) : "999999";
      for (let i = 1; i <= 3; i++) {
        await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: wrong, client: client(), now });
        expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ passwordResetFailedCount: i, mfaFailedCount: 0, mfaLockedUntil: null });
      }
      const locked = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(locked.passwordResetLockedUntil!.getTime()).toBe(now.getTime() + 15 * 60_000);
      expect(await db.auditEvent.count({ where: { action: "Password reset locked after too many wrong codes", actorId: user.id } })).toBe(1);
      // Locked: even the right code is refused, with the same answer as every other failure.
      expect(await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: tokenCode(token, now), client: client(), now })).toEqual({ outcome: "retry", message: RESET_CODE_FAILED_MESSAGE });
      // The password itself still works, and so does MFA: the code the reset refused signs in.
      const signIn = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: client() });
      expect(signIn.outcome).toBe("mfaRequired");
      expect(await verifyCodeForRelyingService({ db, upn: user.upn, code: tokenCode(token, now), now })).toEqual({ result: "accepted" });
      // The reset lock stays: a sign-in success doesn't clear it.
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordResetLockedUntil).toEqual(locked.passwordResetLockedUntil);
    } finally {
      if (previous === undefined) delete process.env.MFA_LOCKOUT_THRESHOLD;
      else process.env.MFA_LOCKOUT_THRESHOLD = previous;
    }
  });

  it("can't lock anyone out of sign-in: one anonymous reset with 10 wrong codes leaves the account's token and email codes working (finding 5)", async () => {
    await setPolicy({ methods: ["hardwareOath", "email"] });
    const { user, token } = await userWithToken();
    const address = await withConfirmedEmail(user.id);
    const handle = await startedHandle(user.upn);
    const now = new Date();
    for (let i = 0; i < 5; i++) await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: wrongCode(token, now), client: client(), now });
    await sendPasswordResetEmailCode({ db, handle, now });
    for (let i = 0; i < 5; i++) await verifyPasswordResetCode({ db, handle, method: "email", code: "00000000", client: client(), now });
    // Before the fix these 10 codes locked MFA for 15 minutes: the right code failed at sign-in and at /api/verify.
    expect(await verifyCodeForRelyingService({ db, upn: user.upn, code: tokenCode(token, now), now })).toEqual({ result: "accepted" });
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", now });
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: await latestEmailCode(address), now })).toMatchObject({ ok: true });
    // The reset counted them on its own counter.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ passwordResetFailedCount: 10, mfaFailedCount: 0, mfaLockedUntil: null });
  });

  it("locks resets atomically: 30 concurrent wrong codes from three resets are all counted, one lock, and a right code after them is refused", async () => {
    // The threshold is the 30th failure, so no attempt can meet a lock written by an earlier one and
    // be refused uncounted (which is right, but would hide a lost update): exactly 30 proves each counted.
    const previous = process.env.MFA_LOCKOUT_THRESHOLD;
    process.env.MFA_LOCKOUT_THRESHOLD = "30";
    onTestFinished(() => {
      if (previous === undefined) delete process.env.MFA_LOCKOUT_THRESHOLD;
      else process.env.MFA_LOCKOUT_THRESHOLD = previous;
    });
    await setPolicy({});
    const { user, token } = await userWithToken();
    const handles = await Promise.all(Array.from({ length: 3 }, () => startedHandle(user.upn)));
    const now = new Date();
    const wrong = wrongCode(token, now);
    const results = await Promise.all(handles.flatMap((handle) => Array.from({ length: 10 }, () => verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: wrong, client: client(), now }))));
    expect(results.every((r) => r.outcome === "retry" && r.message === RESET_CODE_FAILED_MESSAGE)).toBe(true);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored).toMatchObject({ passwordResetFailedCount: 30, mfaFailedCount: 0, mfaLockedUntil: null });
    expect(stored.passwordResetLockedUntil!.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(await db.auditEvent.count({ where: { action: "Password reset locked after too many wrong codes", actorId: user.id } })).toBe(1);
    const fresh = await startedHandle(user.upn);
    expect(await verifyPasswordResetCode({ db, handle: fresh, method: "hardwareOath", code: tokenCode(token, now), client: client(), now })).toEqual({ outcome: "retry", message: RESET_CODE_FAILED_MESSAGE });
    // Once the lock has run out the right code (unused: the lock refused it before any check) verifies, and the run of failures starts anew.
    await db.user.update({ where: { id: user.id }, data: { passwordResetLockedUntil: new Date(now.getTime() - 1) } });
    expect(await verifyPasswordResetCode({ db, handle: fresh, method: "hardwareOath", code: tokenCode(token, now), client: client(), now })).toEqual({ outcome: "verified", next: "newPassword" });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ passwordResetFailedCount: 0, passwordResetLockedUntil: null, lastMfaAt: null });
  });
});

describe("password reset: done", () => {
  it("ends every session, notifies the user and the Global Administrators, audits each step, and is used once", async () => {
    const globalAdmin = await makeUser({ roles: ["Global Administrator"] });
    const { user, token } = await userWithToken({ roles: ["Security Reader"] });
    await withConfirmedEmail(user.id);
    await setPolicy({ methodsRequired: 1, methods: ["hardwareOath", "email"], notifyUsers: true, notifyAdmins: true });
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const handle = await startedHandle(user.upn);
    await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: tokenCode(token, new Date()), client: client() });
    await sendPasswordResetEmailCode({ db, handle });
    expect(await verifyPasswordResetCode({ db, handle, method: "email", code: await mailedCode(`${user.id}@mail.example`), client: client() })).toEqual({ outcome: "verified", next: "newPassword" });
    expect(await completePasswordReset({ db, handle, newPassword: NEW_PASSWORD, client: client() })).toEqual({ outcome: "done" });
    expect(await completePasswordReset({ db, handle, newPassword: NEW_PASSWORD, client: client() })).toMatchObject({ outcome: "expired" });

    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await verifyPassword({ passwordHash: after.passwordHash, password: NEW_PASSWORD })).toBe(true);
    const userMail = await db.outboxMessage.findFirstOrThrow({ where: { to: user.upn, subject: "Your password was reset" } });
    expect(userMail.body).toMatch(/every session was signed out/);
    expect(userMail.body).toMatch(/http:\/\/localhost:\d+\/login/);
    expect(userMail.body).not.toContain(NEW_PASSWORD);
    expect(await db.outboxMessage.count({ where: { to: globalAdmin.upn, subject: "An administrator reset their password" } })).toBe(1);
    const actions = (await db.auditEvent.findMany({ where: { targetId: user.id, action: { contains: "password reset" } }, orderBy: { sequence: "asc" } })).map((e) => `${e.action}: ${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(["Self-service password reset started: success", "Self-service password reset verification: success"]));
    expect(await db.auditEvent.count({ where: { targetId: user.id, action: "Reset password (self-service)" } })).toBe(1);
    const all = await db.auditEvent.findMany({ where: { targetId: user.id } });
    expect(JSON.stringify(all)).not.toContain(NEW_PASSWORD);
  });
});

describe("password reset: an account disabled meanwhile", () => {
  it("can't finish a reset it had verified", async () => {
    await setPolicy({});
    const { user, token } = await userWithToken();
    const handle = await startedHandle(user.upn);
    expect(await verifyPasswordResetCode({ db, handle, method: "hardwareOath", code: tokenCode(token, new Date()), client: client() })).toEqual({ outcome: "verified", next: "newPassword" });
    await db.user.update({ where: { id: user.id }, data: { enabled: false } });
    expect(await completePasswordReset({ db, handle, newPassword: NEW_PASSWORD, client: client() })).toMatchObject({ outcome: "expired" });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ passwordHash: after.passwordHash, password: user.password })).toBe(true);
  });
});

describe("registration at sign-in", () => {
  it("asks users in scope with too few methods, or whose confirmation is due; confirming needs enough methods", async () => {
    const bare = await makeUser();
    const { user } = await userWithToken();
    await setPolicy({ requireRegistration: false });
    expect(await ssprRegistrationStatus({ db, userId: bare.id })).toEqual({ due: false });
    await setPolicy({ requireRegistration: true, reconfirmDays: 0 });
    expect(await ssprRegistrationStatus({ db, userId: bare.id })).toMatchObject({ due: true, reason: "register", methodsRequired: 1, held: [] });
    expect(await confirmSsprMethods({ db, userId: bare.id })).toMatchObject({ ok: false });
    expect(await ssprRegistrationStatus({ db, userId: user.id })).toEqual({ due: false });

    await setPolicy({ requireRegistration: true, reconfirmDays: 30 });
    expect(await ssprRegistrationStatus({ db, userId: user.id })).toMatchObject({ due: true, reason: "reconfirm" });
    expect(await confirmSsprMethods({ db, userId: user.id })).toEqual({ ok: true });
    expect(await ssprRegistrationStatus({ db, userId: user.id })).toEqual({ due: false });
    const in31Days = new Date(Date.now() + 31 * 86_400_000);
    expect(await ssprRegistrationStatus({ db, userId: user.id, now: in31Days })).toMatchObject({ due: true, reason: "reconfirm" });
    // An admin with one method is asked for a second.
    const admin = await userWithToken({ roles: ["Security Reader"] });
    await db.user.update({ where: { id: admin.user.id }, data: { ssprConfirmedAt: new Date() } });
    expect(await ssprRegistrationStatus({ db, userId: admin.user.id })).toMatchObject({ due: true, reason: "register", methodsRequired: 2 });
    // ...unless the policy counts only one method type, when a second can't be registered.
    await setPolicy({ requireRegistration: true, reconfirmDays: 30, methods: ["hardwareOath"] });
    expect(await ssprRegistrationStatus({ db, userId: admin.user.id })).toEqual({ due: false });
  });
});
