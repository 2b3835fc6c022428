import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../lib/auth/password";
import { getDb } from "../../lib/db/client";
import { listMfaMethods, methodIdOf } from "../../lib/methods/authentication-methods";
import { confirmAuthenticatorApp, startAuthenticatorAppSetup } from "../../lib/methods/authenticator-app";
import { changeDefaultMethod } from "../../lib/methods/default-method";
import { deleteAuthenticationMethod } from "../../lib/methods/delete-method";
import { FRESH_MFA_MINUTES, confirmFreshMfa } from "../../lib/methods/fresh-mfa";
import { selfActivateHardwareToken } from "../../lib/methods/self-activate-hardware-token";
import { SecurityInfoFailure, type SecurityInfoActor } from "../../lib/methods/security-info-change";
import { getSecurityInfo } from "../../lib/methods/security-info";
import { normaliseBase32 } from "../../lib/otp/base32";
import { codeAt } from "../../lib/otp/totp";
import { CodeCheckFailure, verifyOathCode } from "../../lib/otp/verify-oath-code";
import { changeOwnPassword } from "../../lib/methods/change-password";
import { MY_SIGN_INS_PAGE_SIZE, listMySignIns } from "../../lib/users/my-sign-ins";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { makeSecurityInfoActor, makeToken, makeUser, setSessionMfaAt, tokenCode, wrongCode } from "../support/factories";

const db = getDb();
const minutes = (n: number) => n * 60_000;
const tokenMethod = (id: string) => methodIdOf({ kind: "hardwareToken", id });
const appMethod = (id: string) => methodIdOf({ kind: "authenticatorApp", id });

/** A user as the page's actions pass them: their own id and UPN. */
async function makeActor(options: { freshMfa?: boolean } = {}) {
  const user = await makeUser();
  const actor: SecurityInfoActor = await makeSecurityInfoActor(user, { mfaAt: options.freshMfa === false ? null : new Date() });
  return { user, actor };
}

/** A token activated a minute ago, so its current code is still unused. */
const activeToken = (userId: string) => makeToken({ userId, now: new Date(Date.now() - minutes(1)) });

const outbox = (upn: string) => db.outboxMessage.findMany({ where: { to: upn }, orderBy: { createdAt: "asc" } });
const lastAudit = (actorId: string, action: string) => db.auditEvent.findFirstOrThrow({ where: { actorId, action }, orderBy: { createdAt: "desc" } });

/** The code an app set up with `secret` shows at `now`. */
function appCode(secret: string, now: Date, offsetSteps = 0): string {
  const decoded = normaliseBase32(secret);
  if (!decoded.ok) throw new Error(decoded.reason);
  return codeAt({ secret: decoded.bytes, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now, driftSteps: offsetSteps });
}

describe("fresh-MFA gate (A4)", () => {
  it("asks for a code when the last MFA is older than 10 minutes, and lets the change through after one", async () => {
    const { user, actor } = await makeActor({ freshMfa: false });
    const [first, second] = [await activeToken(user.id), await activeToken(user.id)];
    await setSessionMfaAt(actor, new Date(Date.now() - minutes(FRESH_MFA_MINUTES + 1)));

    const stale = await changeDefaultMethod({ db, actor, methodId: tokenMethod(second.id) });
    expect(stale).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    expect((await listMfaMethods({ db, userId: user.id })).defaultMethod?.methodId).toBe(tokenMethod(first.id));
    for (const attempt of [
      startAuthenticatorAppSetup({ db, actor, name: "Phone" }),
      deleteAuthenticationMethod({ db, actor, methodId: tokenMethod(first.id) }),
      changeOwnPassword({ db, actor, newPassword: "a brand new passphrase" }),
    ]) {
      expect(await attempt).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    }

    const now = new Date();
    expect(await confirmFreshMfa({ db, actor, methodId: tokenMethod(first.id), code: wrongCode(first, now), now })).toMatchObject({ ok: false, failure: SecurityInfoFailure.WrongCode });
    expect(await confirmFreshMfa({ db, actor, methodId: tokenMethod(first.id), code: tokenCode(first, now), now })).toEqual({ ok: true });
    expect((await db.userSession.findUniqueOrThrow({ where: { id: actor.sessionId } })).mfaAt).toEqual(now);
    expect(await changeDefaultMethod({ db, actor, methodId: tokenMethod(second.id) })).toMatchObject({ ok: true });
    expect(await lastAudit(user.id, "Verify identity for Security info")).toMatchObject({ result: "success" });
  });

  it("counts an MFA exactly 10 minutes old as fresh, and one a second older as stale", async () => {
    const { user, actor } = await makeActor({ freshMfa: false });
    const token = await activeToken(user.id);
    const now = new Date();
    await setSessionMfaAt(actor, new Date(now.getTime() - minutes(10)));
    expect(await changeDefaultMethod({ db, actor, methodId: tokenMethod(token.id), now })).toMatchObject({ ok: true });
    expect(await changeDefaultMethod({ db, actor, methodId: tokenMethod(token.id), now: new Date(now.getTime() + 1000) })).toMatchObject({ failure: SecurityInfoFailure.FreshMfaRequired });
  });

  it("lets a user with no MFA method add their first one without a code (that is how they register)", async () => {
    const { actor } = await makeActor({ freshMfa: false });
    expect(await startAuthenticatorAppSetup({ db, actor, name: "First phone" })).toMatchObject({ ok: true });
  });

  it("answers the gate only with the user's own method", async () => {
    const { actor } = await makeActor({ freshMfa: false });
    const other = await makeActor();
    const theirs = await activeToken(other.user.id);
    const result = await confirmFreshMfa({ db, actor, methodId: tokenMethod(theirs.id), code: tokenCode(theirs, new Date()) });
    expect(result).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: theirs.id } })).lastUsedAt?.getTime()).toBeLessThan(Date.now() - 30_000);
  });
});

describe("default sign-in method", () => {
  it("changes to another of the user's methods, audited and notified; sign-in then offers it first", async () => {
    const { user, actor } = await makeActor();
    await activeToken(user.id);
    const second = await activeToken(user.id);
    expect(await changeDefaultMethod({ db, actor, methodId: tokenMethod(second.id) })).toEqual({ ok: true, label: `Hardware token – Feitian c200` });
    const { methods, defaultMethod } = await listMfaMethods({ db, userId: user.id });
    expect(defaultMethod?.methodId).toBe(tokenMethod(second.id));
    expect(methods[0].methodId).toBe(tokenMethod(second.id));
    expect(await lastAudit(user.id, "Change default sign-in method")).toMatchObject({ result: "success", ipAddress: "203.0.113.9", targetId: user.id });
    expect((await outbox(user.upn)).map((m) => m.subject)).toContain("Your default sign-in method was changed");
  });

  it("refuses a token that isn't activated yet", async () => {
    const { user, actor } = await makeActor();
    const waiting = await makeToken({ userId: user.id, activate: false });
    expect(await changeDefaultMethod({ db, actor, methodId: tokenMethod(waiting.id) })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
  });
});

describe("authenticator app registration", () => {
  it("stores a server-made seed encrypted as a pending app, unusable until a code confirms it", async () => {
    const { user, actor } = await makeActor();
    const setup = await startAuthenticatorAppSetup({ db, actor, name: "Work phone" });
    if (!setup.ok) throw new Error(setup.reason);
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.uri.startsWith(`otpauth://totp/Contoso:${encodeURIComponent(user.upn)}?`)).toBe(true);
    expect(Object.fromEntries(new URL(setup.uri).searchParams)).toEqual({ secret: setup.secret, issuer: "Contoso", algorithm: "SHA1", digits: "6", period: "30" });
    const row = await db.authenticatorApp.findUniqueOrThrow({ where: { id: setup.appId }, omit: { encryptedSecret: false } });
    expect(row).toMatchObject({ userId: user.id, status: "pending", name: "Work phone" });
    expect(row.encryptedSecret).not.toContain(setup.secret);
    expect(row.pendingExpiresAt!.getTime() - Date.now()).toBeGreaterThan(minutes(14));

    const now = new Date();
    expect((await listMfaMethods({ db, userId: user.id })).methods).toHaveLength(0);
    const early = await verifyOathCode({ db, userId: user.id, credential: { kind: "authenticatorApp", id: setup.appId }, code: appCode(setup.secret, now), now });
    expect(early).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable });

    const wrong = appCode(setup.secret, now, 5);
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code: wrong, now })).toMatchObject({ ok: false, failure: SecurityInfoFailure.WrongCode });
    expect((await db.authenticatorApp.findUniqueOrThrow({ where: { id: setup.appId } })).status).toBe("pending");

    const code = appCode(setup.secret, now);
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code, now })).toEqual({ ok: true, name: "Work phone" });
    expect(await db.authenticatorApp.findUniqueOrThrow({ where: { id: setup.appId } })).toMatchObject({ status: "active", pendingExpiresAt: null });
    // The confirmation code counts as used (C6); it can't be confirmed twice.
    const replay = await verifyOathCode({ db, userId: user.id, credential: { kind: "authenticatorApp", id: setup.appId }, code, now });
    expect(replay).toMatchObject({ ok: false, failure: CodeCheckFailure.Replayed });
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code, now })).toMatchObject({ failure: SecurityInfoFailure.Expired });
    expect((await listMfaMethods({ db, userId: user.id })).defaultMethod?.methodId).toBe(appMethod(setup.appId));

    const audit = await db.auditEvent.findMany({ where: { actorId: user.id } });
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(["Start authenticator app registration", "Register authenticator app"]));
    for (const event of audit) expect(JSON.stringify(event)).not.toContain(setup.secret);
    const mail = await outbox(user.upn);
    expect(mail.map((m) => m.subject)).toContain("An authenticator app was added to your account");
    for (const message of mail) expect(message.body).not.toContain(setup.secret);
  });

  it("is confirmed only while MFA is not locked, and never clears a lock (the rule of every code path)", async () => {
    const { user, actor } = await makeActor();
    const setup = await startAuthenticatorAppSetup({ db, actor, name: "Locked phone" });
    if (!setup.ok) throw new Error(setup.reason);
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + minutes(15));
    // Locked by wrong codes elsewhere: the right app code is refused and the lock stays.
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 10, mfaLockedUntil: lockedUntil } });
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code: appCode(setup.secret, now), now })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Locked });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 10, mfaLockedUntil: lockedUntil });
    expect((await db.authenticatorApp.findUniqueOrThrow({ where: { id: setup.appId } })).status).toBe("pending");
    // The threshold-th wrong code counted, its lock not written yet (a burst in flight): still refused, and the lock is written.
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 10, mfaLockedUntil: null } });
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code: appCode(setup.secret, now), now })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Locked });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.mfaFailedCount).toBe(10);
    expect(stored.mfaLockedUntil!.getTime()).toBe(lockedUntil.getTime());
    expect((await db.authenticatorApp.findUniqueOrThrow({ where: { id: setup.appId } })).status).toBe("pending");
    // Once the lock has run out the same code confirms the app (it wasn't used up by the refusals).
    await db.user.update({ where: { id: user.id }, data: { mfaLockedUntil: new Date(now.getTime() - 1) } });
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code: appCode(setup.secret, now), now })).toEqual({ ok: true, name: "Locked phone" });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null });
  });

  it("lets a pending app expire: after 15 minutes it can't be confirmed and a new setup clears it", async () => {
    const { actor } = await makeActor();
    const start = new Date();
    const setup = await startAuthenticatorAppSetup({ db, actor, name: "Old phone", now: start });
    if (!setup.ok) throw new Error(setup.reason);
    const late = new Date(start.getTime() + minutes(16));
    await setSessionMfaAt(actor, late);
    expect(await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code: appCode(setup.secret, late), now: late })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Expired });
    expect((await db.authenticatorApp.findUniqueOrThrow({ where: { id: setup.appId } })).status).toBe("pending");
    expect(await startAuthenticatorAppSetup({ db, actor, name: "New phone", now: late })).toMatchObject({ ok: true });
    expect(await db.authenticatorApp.findUnique({ where: { id: setup.appId } })).toBeNull();
  });

  it("holds the user to 5 hardware tokens and authenticator apps, with a clear message", async () => {
    const { user, actor } = await makeActor();
    for (let i = 0; i < 4; i++) await makeToken({ userId: user.id, activate: false });
    const fifth = await startAuthenticatorAppSetup({ db, actor, name: "Fifth" });
    expect(fifth).toMatchObject({ ok: true });
    const sixth = await startAuthenticatorAppSetup({ db, actor, name: "Sixth" });
    expect(sixth).toEqual({ ok: false, failure: SecurityInfoFailure.MethodLimit, reason: expect.stringContaining("You already have 5 hardware tokens and authenticator apps") });
    expect(await db.authenticatorApp.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("hardware token self-activation", () => {
  it("activates the user's own assigned token with the code it shows, learning its drift and keeping its friendly name", async () => {
    const { user, actor } = await makeActor({ freshMfa: false });
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    const result = await selfActivateHardwareToken({ db, actor, serialNumber: ` ${token.serialNumber} `, friendlyName: "Blue fob", code: tokenCode(token, now, 3), now });
    expect(result).toEqual({ ok: true, serialNumber: token.serialNumber });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "activated", driftSteps: 3, friendlyName: "Blue fob" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastMfaAt).toEqual(now);
    expect((await outbox(user.upn)).map((m) => m.subject)).toContain("A hardware token was activated on your account");
    expect(await lastAudit(user.id, "Activate hardware token")).toMatchObject({ result: "success", targetId: token.id });
  });

  it("gives one answer for an unknown serial and for someone else's token, and leaves theirs untouched", async () => {
    const { actor } = await makeActor();
    const other = await makeActor();
    const theirs = await makeToken({ userId: other.user.id, activate: false });
    const now = new Date();
    const unknown = await selfActivateHardwareToken({ db, actor, serialNumber: "NO-SUCH-SERIAL", friendlyName: "", code: "123456", now });
    const someoneElses = await selfActivateHardwareToken({ db, actor, serialNumber: theirs.serialNumber, friendlyName: "", code: tokenCode(theirs, now), now });
    expect(unknown).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    expect(someoneElses).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    if (unknown.ok || someoneElses.ok) throw new Error("unreachable");
    expect(someoneElses.reason.replace(theirs.serialNumber, "X")).toBe(unknown.reason.replace("NO-SUCH-SERIAL", "X"));
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ status: "assigned", userId: other.user.id, lastUsedStep: -1 });
  });

  it("refuses a wrong code and counts it towards the MFA lockout", async () => {
    const { user, actor } = await makeActor();
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    const result = await selfActivateHardwareToken({ db, actor, serialNumber: token.serialNumber, friendlyName: "", code: wrongCode(token, now, 3000), now });
    expect(result).toMatchObject({ ok: false, failure: SecurityInfoFailure.WrongCode });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "failedActivation" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);
  });
});

// Deleting, changing the default, confirming an app and activating by serial with B's ids are
// below; test/e2e/server-action-fuzz.spec.ts posts B's ids to every action over HTTP.
describe("another user's method ids (W4)", () => {
  it("verify identity and the sign-in code step refuse B's method with B's valid code; B's code stays unused", async () => {
    const a = await makeActor({ freshMfa: false });
    const b = await makeActor({ freshMfa: false });
    await activeToken(a.user.id);
    const bToken = await activeToken(b.user.id);
    const bMethod = tokenMethod(bToken.id);
    const now = new Date();
    const bCode = tokenCode(bToken, now);
    const storedStep = (await db.hardwareToken.findUniqueOrThrow({ where: { id: bToken.id } })).lastUsedStep;
    // The token was activated a minute ago (an earlier step): B's current code must stay unspent.
    const stillUnused = async () => {
      expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: bToken.id } })).lastUsedStep).toBe(storedStep);
      expect((await db.user.findUniqueOrThrow({ where: { id: a.user.id } })).lastMfaAt).toBeNull();
    };

    expect(await confirmFreshMfa({ db, actor: a.actor, methodId: bMethod, code: bCode, now })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    await stillUnused();

    const signIn = await checkPasswordStep({ db, upn: a.user.upn, password: a.user.password, callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.9", userAgent: "test" }, now });
    if (signIn.outcome !== "mfaRequired") throw new Error(`expected an MFA step, got ${signIn.outcome}`);
    expect(await checkCodeStep({ db, handle: signIn.handle, methodId: bMethod, code: bCode, now })).toMatchObject({ outcome: "retry" });
    expect(await redeemSignInHandle({ db, handle: signIn.handle, now })).toBeNull();
    await stillUnused();
    // B can still use that very code: nothing of theirs was spent.
    expect(await confirmFreshMfa({ db, actor: b.actor, methodId: bMethod, code: bCode, now })).toEqual({ ok: true });
  });
});

describe("deleting a method", () => {
  it("never reaches another user's methods: B's token and app ids are 'gone' for A and stay B's", async () => {
    const a = await makeActor();
    const b = await makeActor();
    await activeToken(a.user.id);
    const bToken = await activeToken(b.user.id);
    const bSetup = await startAuthenticatorAppSetup({ db, actor: b.actor, name: "B's phone" });
    if (!bSetup.ok) throw new Error(bSetup.reason);

    for (const methodId of [tokenMethod(bToken.id), appMethod(bSetup.appId)]) {
      expect(await deleteAuthenticationMethod({ db, actor: a.actor, methodId, confirmLastMethod: true })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
      expect(await changeDefaultMethod({ db, actor: a.actor, methodId })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    }
    const now = new Date();
    expect(await confirmAuthenticatorApp({ db, actor: a.actor, appId: bSetup.appId, code: appCode(bSetup.secret, now), now })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Expired });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: bToken.id } })).toMatchObject({ userId: b.user.id, status: "activated" });
    expect(await db.authenticatorApp.findUniqueOrThrow({ where: { id: bSetup.appId } })).toMatchObject({ userId: b.user.id, status: "pending" });
    const aInfo = await getSecurityInfo({ db, userId: a.user.id });
    expect(aInfo.entries.map((entry) => entry.methodId)).not.toContain(tokenMethod(bToken.id));
    expect(await outbox(b.user.upn)).toHaveLength(0);
  });

  it("promotes another method when the default is deleted, and sends a token back to the inventory reset", async () => {
    const { user, actor } = await makeActor();
    const first = await activeToken(user.id);
    const second = await activeToken(user.id);
    await db.hardwareToken.update({ where: { id: first.id }, data: { friendlyName: "Mine" } });
    const result = await deleteAuthenticationMethod({ db, actor, methodId: tokenMethod(first.id) });
    expect(result).toEqual({ ok: true, label: `Hardware token ${first.serialNumber}`, newDefaultMethodId: tokenMethod(second.id) });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBe(tokenMethod(second.id));
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      userId: null, status: "available", driftSteps: 0, lastUsedStep: -1, activatedAt: null, friendlyName: null,
    });
    expect(await lastAudit(user.id, "Delete authentication method")).toMatchObject({ targetId: first.id, details: expect.stringContaining('"wasDefault":true') });
    expect((await outbox(user.upn)).map((m) => m.subject)).toContain("A sign-in method was removed from your account");
  });

  it("needs an explicit confirmation to delete the last MFA method", async () => {
    const { user, actor } = await makeActor();
    const setup = await startAuthenticatorAppSetup({ db, actor, name: "Only phone" });
    if (!setup.ok) throw new Error(setup.reason);
    const now = new Date();
    await confirmAuthenticatorApp({ db, actor, appId: setup.appId, code: appCode(setup.secret, now), now });
    const unconfirmed = await deleteAuthenticationMethod({ db, actor, methodId: appMethod(setup.appId) });
    expect(unconfirmed).toMatchObject({ ok: false, failure: SecurityInfoFailure.LastMethod });
    expect(await db.authenticatorApp.count({ where: { id: setup.appId } })).toBe(1);
    expect(await deleteAuthenticationMethod({ db, actor, methodId: appMethod(setup.appId), confirmLastMethod: true })).toMatchObject({ ok: true, newDefaultMethodId: null });
    expect(await db.authenticatorApp.count({ where: { id: setup.appId } })).toBe(0);
    expect((await listMfaMethods({ db, userId: user.id })).methods).toHaveLength(0);
  });
});

describe("change password", () => {
  it("refuses a password that breaks the rules and changes nothing", async () => {
    const { user, actor } = await makeActor();
    expect(await changeOwnPassword({ db, actor, newPassword: "short" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Invalid });
    expect(await changeOwnPassword({ db, actor, newPassword: "password1234" })).toMatchObject({ ok: false, reason: expect.stringContaining("common") });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ passwordHash: stored.passwordHash, password: user.password })).toBe(true);
  });

  it("sets the new password, ends every session, and records it without the password", async () => {
    const { user, actor } = await makeActor();
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const newPassword = "seven quiet lanterns over the bay";
    expect(await changeOwnPassword({ db, actor, newPassword })).toEqual({ ok: true });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ passwordHash: after.passwordHash, password: newPassword })).toBe(true);
    expect(await verifyPassword({ passwordHash: after.passwordHash, password: user.password })).toBe(false);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(after.passwordChangedAt.getTime()).toBeGreaterThan(before.passwordChangedAt.getTime());
    const audit = await lastAudit(user.id, "Change password");
    expect(JSON.stringify(audit)).not.toContain(newPassword);
    const mail = await outbox(user.upn);
    expect(mail.map((m) => m.subject)).toContain("Your password was changed");
    for (const message of mail) expect(message.body).not.toContain(newPassword);
  });
});

describe("my sign-ins", () => {
  it("lists only the user's own sign-ins, newest first, a page at a time", async () => {
    const { user } = await makeActor();
    const other = await makeActor();
    const base = Date.now() - minutes(60);
    for (let i = 0; i < MY_SIGN_INS_PAGE_SIZE + 3; i++) {
      await db.signIn.create({
        data: {
          correlationId: `c${i}`, userId: user.id, upn: user.upn, resource: "Security info", status: i % 2 ? "failure" : "success",
          ipAddress: "192.0.2.1", userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
          createdAt: new Date(base + i * 1000),
          steps: { create: [{ position: 1, method: "Password", requirement: "primary", resultDetail: "Correct password", succeeded: true }] },
        },
      });
    }
    await db.signIn.create({ data: { correlationId: "theirs", userId: other.user.id, upn: other.user.upn, resource: "Security info", status: "success" } });
    // An attempt with this UPN before the account was linked is not this user's record.
    await db.signIn.create({ data: { correlationId: "no-user", userId: null, upn: user.upn, resource: "Security info", status: "failure" } });

    const first = await listMySignIns({ db, userId: user.id });
    expect(first).toMatchObject({ page: 1, pageCount: 2, total: MY_SIGN_INS_PAGE_SIZE + 3 });
    expect(first.signIns).toHaveLength(MY_SIGN_INS_PAGE_SIZE);
    expect(first.signIns[0]).toMatchObject({ status: "success", steps: [{ method: "Password", succeeded: true }], resource: "Security info", ipAddress: "192.0.2.1", browser: "Chrome on Linux" });
    expect(first.signIns[0].createdAt.getTime()).toBeGreaterThan(first.signIns[1].createdAt.getTime());
    const second = await listMySignIns({ db, userId: user.id, page: 2 });
    expect(second.signIns).toHaveLength(3);
    const ids = new Set([...first.signIns, ...second.signIns].map((s) => s.id));
    expect(ids.size).toBe(MY_SIGN_INS_PAGE_SIZE + 3);
    expect(await listMySignIns({ db, userId: other.user.id })).toMatchObject({ total: 1 });
    expect((await listMySignIns({ db, userId: user.id, page: 99 })).page).toBe(2);
  });

  it("shows each authentication step with its result: a wrong code then a right one", async () => {
    const { user } = await makeActor();
    const now = new Date(Date.now() - minutes(1));
    const token = await activeToken(user.id);
    const signIn = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.9", userAgent: "test" } });
    if (signIn.outcome !== "mfaRequired") throw new Error(`expected an MFA step, got ${signIn.outcome}`);
    expect(await checkCodeStep({ db, handle: signIn.handle, methodId: tokenMethod(token.id), code: wrongCode(token, now) })).toMatchObject({ outcome: "retry" });
    expect(await checkCodeStep({ db, handle: signIn.handle, methodId: tokenMethod(token.id), code: tokenCode(token, new Date()) })).toEqual({ outcome: "complete" });
    const [mine] = (await listMySignIns({ db, userId: user.id })).signIns;
    expect(mine.status).toBe("success");
    expect(mine.steps).toEqual([
      { position: 1, method: "Password", detail: "", succeeded: true, resultDetail: "Correct password" },
      { position: 2, method: "OATH verification code", detail: `Serial number ${token.serialNumber}`, succeeded: false, resultDetail: "Invalid verification code" },
      { position: 3, method: "OATH verification code", detail: `Serial number ${token.serialNumber}`, succeeded: true, resultDetail: "MFA completed with a verification code" },
    ]);
  });
});
