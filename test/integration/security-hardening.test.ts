// Findings 3, 4, 6 and 8 of the outside review (issue 12), reproduced against the real database:
// each test is the attack as reported, and fails on the code before the fix.
import { afterEach, describe, expect, it } from "vitest";
import { deleteEndedUserSessions, openUserSession, revokeUserSession, sessionMaxHours } from "../../lib/auth/user-session";
import { enterResource } from "../../lib/signin/enter-resource";
import { saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { getDb } from "../../lib/db/client";
import { methodIdOf } from "../../lib/methods/authentication-methods";
import { startAuthenticatorAppSetup } from "../../lib/methods/authenticator-app";
import { FRESH_MFA_MINUTES, confirmFreshMfa } from "../../lib/methods/fresh-mfa";
import { SecurityInfoFailure } from "../../lib/methods/security-info-change";
import { checkCodeStep } from "../../lib/signin/code-step";
import { BAD_CREDENTIALS_MESSAGE, checkPasswordStep } from "../../lib/signin/password-step";
import { deleteStalePasswordCounters, lockMinutesAfter, passwordThrottlePolicy, passwordThrottleState, recordPasswordFailure } from "../../lib/signin/password-throttle";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { changeOwnPassword } from "../../lib/methods/change-password";
import { verifyCodeForRelyingService } from "../../lib/verification-api/verify-code-for-relying-service";
import { makeSecurityInfoActor, makeToken, makeUser, tokenCode, unique } from "../support/factories";

const db = getDb();
const minutes = (n: number) => n * 60_000;
const at = (client: string) => ({ ipAddress: client, userAgent: "Vitest" });
const LOCKED = /temporarily locked.*Try again in \d+ minutes?\./;

/** Password and code, as the sign-in page does it, ending in a session (its id and expiry). */
async function signIn(user: { upn: string; password: string }, token: Parameters<typeof tokenCode>[0], callbackUrl: string, ipAddress = "203.0.113.30") {
  const now = new Date();
  const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl, client: at(ipAddress), now });
  if (step.outcome !== "mfaRequired") throw new Error(`expected the code step, got ${step.outcome}`);
  expect(await checkCodeStep({ db, handle: step.handle, methodId: methodIdOf({ kind: "hardwareToken", id: token.id }), code: tokenCode(token, now), now })).toMatchObject({ outcome: "complete" });
  const identity = await redeemSignInHandle({ db, handle: step.handle, now });
  if (!identity) throw new Error("the sign-in was not redeemed");
  return identity;
}

describe("Conditional Access per resource: a session entering the admin console is evaluated for it (finding 3)", () => {
  it("Bob, blocked from the Admin console, signs in to Security info: entering the console is refused and logged", async () => {
    const bob = await makeUser({ roles: ["Global Administrator"] });
    const token = await makeToken({ userId: bob.id, now: new Date(Date.now() - minutes(1)) });
    const group = await db.group.create({ data: { name: unique("ca-blocked-") } });
    await db.groupMember.create({ data: { groupId: group.id, userId: bob.id } });
    const policyName = unique("Block console ");
    expect(await saveConditionalAccessPolicy({
      db, actor: { id: null, upn: "system" },
      input: { name: policyName, state: "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: ["Admin console"], grant: "block" },
    })).toMatchObject({ ok: true });

    // Signing in *for* the console is refused, as before.
    const direct = await checkPasswordStep({ db, upn: bob.upn, password: bob.password, callbackUrl: "/admin", client: at("203.0.113.31") });
    expect(direct).toMatchObject({ outcome: "failed", message: expect.stringContaining("blocks you from signing in to Admin console") });

    // The bypass: sign in for Security info, then walk into the console with the same session.
    const identity = await signIn(bob, token, "/mysecurityinfo");
    const session = (await openUserSession({ db, sessionId: identity.sessionId, userId: bob.id, now: new Date() }))!;
    expect(session.resources).toEqual(["Security info"]);
    const entry = await enterResource({ db, session, upn: bob.upn, resource: "Admin console", client: at("203.0.113.32") });
    expect(entry).toEqual({ outcome: "blocked", message: expect.stringContaining("blocks you from signing in to Admin console") });

    const logged = await db.signIn.findFirstOrThrow({ where: { userId: bob.id, resource: "Admin console", ipAddress: "203.0.113.32" }, include: { policyResults: true, steps: true } });
    expect(logged).toMatchObject({ status: "failure", failureReason: `Blocked by Conditional Access policy ${policyName}` });
    expect(logged.steps).toMatchObject([{ method: "Previously satisfied" }]);
    expect(logged.policyResults.find((row) => row.policyName === policyName)).toMatchObject({ result: "failure" });
    // Nothing was granted: the session still knows Security info only, and asking again is refused again.
    expect((await openUserSession({ db, sessionId: identity.sessionId, userId: bob.id, now: new Date() }))!.resources).toEqual(["Security info"]);
    expect(await enterResource({ db, session, upn: bob.upn, resource: "Admin console", client: at("203.0.113.32") })).toMatchObject({ outcome: "blocked" });
  });

  it("an administrator nothing blocks enters the console once: one success row, then the session knows it", async () => {
    const alice = await makeUser({ roles: ["Global Administrator"] });
    const token = await makeToken({ userId: alice.id, now: new Date(Date.now() - minutes(1)) });
    const identity = await signIn(alice, token, "/mysecurityinfo");
    const session = (await openUserSession({ db, sessionId: identity.sessionId, userId: alice.id, now: new Date() }))!;
    expect(await enterResource({ db, session, upn: alice.upn, resource: "Admin console", client: at("203.0.113.33") })).toEqual({ outcome: "allowed" });
    const reopened = (await openUserSession({ db, sessionId: identity.sessionId, userId: alice.id, now: new Date() }))!;
    expect(reopened.resources).toEqual(["Security info", "Admin console"]);
    expect(await enterResource({ db, session: reopened, upn: alice.upn, resource: "Admin console", client: at("203.0.113.33") })).toEqual({ outcome: "allowed" });
    expect(await db.signIn.count({ where: { userId: alice.id, resource: "Admin console" } })).toBe(1);
    expect(await db.signIn.findFirstOrThrow({ where: { userId: alice.id, resource: "Admin console" } })).toMatchObject({ status: "success" });
  });

  it("a session without MFA entering a resource whose policy requires MFA is sent to sign in again", async () => {
    const carol = await makeUser();
    const group = await db.group.create({ data: { name: unique("ca-mfa-") } });
    await db.groupMember.create({ data: { groupId: group.id, userId: carol.id } });
    const identityStep = await checkPasswordStep({ db, upn: carol.upn, password: carol.password, callbackUrl: "/mysecurityinfo", client: at("203.0.113.34") });
    if (identityStep.outcome !== "complete") throw new Error(`expected a single-factor sign-in, got ${identityStep.outcome}`);
    const identity = (await redeemSignInHandle({ db, handle: identityStep.handle }))!;
    const session = (await openUserSession({ db, sessionId: identity.sessionId, userId: carol.id, now: new Date() }))!;
    expect(session.mfaAt).toBeNull();
    await saveConditionalAccessPolicy({
      db, actor: { id: null, upn: "system" },
      input: { name: unique("MFA for console "), state: "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: ["Admin console"], grant: "requireMfa" },
    });
    expect(await enterResource({ db, session, upn: carol.upn, resource: "Admin console", client: at("203.0.113.34") })).toEqual({ outcome: "mfaRequired" });
    expect(await db.signIn.findFirstOrThrow({ where: { userId: carol.id, resource: "Admin console" } })).toMatchObject({ status: "interrupted" });
  });
});

describe("recent MFA belongs to the session (finding 4)", () => {
  it("a session whose MFA is 16 minutes old must still step up after a gateway verified the user's code", async () => {
    const bob = await makeUser();
    const token = await makeToken({ userId: bob.id, now: new Date(Date.now() - minutes(1)) });
    const copied = await makeSecurityInfoActor(bob, { mfaAt: new Date(Date.now() - minutes(16)) });

    // A VPN gateway checks Bob's code through the verification API: accepted, User.lastMfaAt refreshed.
    const now = new Date();
    expect(await verifyCodeForRelyingService({ db, upn: bob.upn, code: tokenCode(token, now), now })).toMatchObject({ result: "accepted" });
    expect((await db.user.findUniqueOrThrow({ where: { id: bob.id } })).lastMfaAt).toEqual(now);

    // The old session gains nothing from it.
    expect(await startAuthenticatorAppSetup({ db, actor: copied, name: "Attacker phone" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    expect(await changeOwnPassword({ db, actor: copied, newPassword: "attacker chosen passphrase" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    expect(await db.authenticatorApp.count({ where: { userId: bob.id } })).toBe(0);
  });

  it("a step-up refreshes only the session it was done in", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - minutes(1)) });
    const stale = new Date(Date.now() - minutes(FRESH_MFA_MINUTES + 5));
    const [here, elsewhere] = [await makeSecurityInfoActor(user, { mfaAt: stale }), await makeSecurityInfoActor(user, { mfaAt: stale })];
    const now = new Date();
    expect(await confirmFreshMfa({ db, actor: here, methodId: methodIdOf({ kind: "hardwareToken", id: token.id }), code: tokenCode(token, now), now })).toEqual({ ok: true });
    expect((await db.userSession.findUniqueOrThrow({ where: { id: here.sessionId } })).mfaAt).toEqual(now);
    expect((await db.userSession.findUniqueOrThrow({ where: { id: elsewhere.sessionId } })).mfaAt).toEqual(stale);
    expect(await changeOwnPassword({ db, actor: elsewhere, newPassword: "another long passphrase" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    expect(await changeOwnPassword({ db, actor: here, newPassword: "another long passphrase" })).toMatchObject({ ok: true });
  });
});

describe("sign-in throttle: smart lockout (finding 6)", () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it("40 wrong passwords then the right one from the same address: refused, without saying it was right", async () => {
    const bob = await makeUser();
    const attacker = at("198.51.100.66");
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await checkPasswordStep({ db, upn: bob.upn, password: `guess-${i}`, callbackUrl: "/mysecurityinfo", client: attacker }));
    const threshold = passwordThrottlePolicy().addressThreshold;
    expect(answers.slice(0, threshold).every((a) => a.outcome === "failed" && a.message === BAD_CREDENTIALS_MESSAGE)).toBe(true);
    expect(answers.slice(threshold).every((a) => a.outcome === "failed" && LOCKED.test(a.message))).toBe(true);
    const right = await checkPasswordStep({ db, upn: bob.upn, password: bob.password, callbackUrl: "/mysecurityinfo", client: attacker });
    expect(right).toEqual({ outcome: "failed", message: expect.stringMatching(LOCKED) });
    expect(right).toEqual(answers[39]);
    expect(await db.pendingSignIn.count({ where: { userId: bob.id } })).toBe(0);
    // Only the first few were even checked (each costs an argon2 hash): the rest were refused unread.
    expect(await db.signIn.count({ where: { upn: bob.upn, failureReason: "Invalid password" } })).toBe(threshold);
    expect(await db.signIn.count({ where: { upn: bob.upn, failureReason: "Sign-in locked after too many wrong passwords" } })).toBe(41 - threshold);

    // Bob, from his own address, signs in as usual: the attacker's lock is theirs.
    expect(await checkPasswordStep({ db, upn: bob.upn, password: bob.password, callbackUrl: "/mysecurityinfo", client: at("203.0.113.67") })).toMatchObject({ outcome: "complete" });
  });

  it("an unknown UPN locks exactly like a real one (A2)", async () => {
    const real = await makeUser();
    const ghost = `${unique("nobody")}@contoso.example`;
    const answersFor = async (upn: string) => {
      const list = [];
      for (let i = 0; i < 8; i++) list.push(await checkPasswordStep({ db, upn, password: `guess-${i}`, callbackUrl: "/mysecurityinfo", client: at("198.51.100.68") }));
      return list.map((a) => (a.outcome === "failed" ? a.message : a.outcome));
    };
    expect(await answersFor(ghost)).toEqual(await answersFor(real.upn));
  });

  it("guesses from many addresses lock the account everywhere at the account threshold; the lock grows", async () => {
    process.env.SIGNIN_LOCKOUT_ACCOUNT_THRESHOLD = "6";
    const user = await makeUser();
    for (let i = 0; i < 6; i++) {
      expect(await checkPasswordStep({ db, upn: user.upn, password: "wrong", callbackUrl: "/mysecurityinfo", client: at(`192.0.2.${100 + i}`) })).toEqual({ outcome: "failed", message: BAD_CREDENTIALS_MESSAGE });
    }
    expect(await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: at("203.0.113.69") })).toEqual({ outcome: "failed", message: expect.stringMatching(LOCKED) });
    // Past the lock, the right password gets in and starts the counters over.
    const later = new Date(Date.now() + minutes(passwordThrottlePolicy().maxLockMinutes) + 1000);
    expect(await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: at("203.0.113.69"), now: later })).toMatchObject({ outcome: "complete" });
    const policy = { addressThreshold: 5, accountThreshold: 50, lockMinutes: 1, maxLockMinutes: 60 };
    expect([4, 5, 6, 7, 8, 20].map((failures) => lockMinutesAfter({ failures, threshold: 5, policy }))).toEqual([null, 1, 2, 4, 8, 60]);
  });
});

describe("sessions hard-expire, and Sign out revokes (finding 8)", () => {
  it("a revoked session is refused; so is any session past its absolute lifetime", async () => {
    const user = await makeUser();
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: at("203.0.113.70") });
    if (step.outcome !== "complete") throw new Error(step.outcome);
    const identity = (await redeemSignInHandle({ db, handle: step.handle }))!;
    const start = new Date();
    expect(identity.sessionExpiresAt - start.getTime()).toBeLessThanOrEqual(sessionMaxHours() * 3_600_000);
    const open = (now: Date) => openUserSession({ db, sessionId: identity.sessionId, userId: user.id, now });
    expect(await open(start)).not.toBeNull();
    expect(await open(new Date(identity.sessionExpiresAt - 1000))).not.toBeNull();
    expect(await open(new Date(identity.sessionExpiresAt))).toBeNull();
    // Another user can't borrow the session id.
    const other = await makeUser();
    expect(await openUserSession({ db, sessionId: identity.sessionId, userId: other.id, now: start })).toBeNull();

    await revokeUserSession({ db, sessionId: identity.sessionId, now: start });
    expect(await open(start)).toBeNull();
  });

  it("the sweep deletes sessions ended over a day ago and counters quiet for a day, nothing live", async () => {
    const user = await makeUser();
    const now = new Date();
    const make = (data: { expiresAt: Date; revokedAt?: Date }) => db.userSession.create({ data: { userId: user.id, resources: "Security info", ...data } });
    const live = await make({ expiresAt: new Date(now.getTime() + minutes(60)) });
    const justEnded = await make({ expiresAt: new Date(now.getTime() - minutes(60)) });
    const longExpired = await make({ expiresAt: new Date(now.getTime() - minutes(25 * 60)) });
    const longRevoked = await make({ expiresAt: new Date(now.getTime() + minutes(60)), revokedAt: new Date(now.getTime() - minutes(25 * 60)) });
    await deleteEndedUserSessions({ db, now });
    const left = (await db.userSession.findMany({ where: { userId: user.id } })).map((row) => row.id).sort();
    expect(left).toEqual([live.id, justEnded.id].sort());
    expect(left).not.toContain(longExpired.id);
    expect(left).not.toContain(longRevoked.id);

    const upn = `${unique("sweep")}@contoso.example`;
    await recordPasswordFailure({ db, upn, ipAddress: "198.51.100.90", now: new Date(now.getTime() - minutes(25 * 60)) });
    const fresh = `${unique("sweep")}@contoso.example`;
    await recordPasswordFailure({ db, upn: fresh, ipAddress: "198.51.100.90", now });
    const state = (who: string) => passwordThrottleState({ db, upn: who, ipAddress: "198.51.100.90", now });
    expect((await state(upn)).counted).toBe(true);
    expect(await deleteStalePasswordCounters({ db, now })).toBeGreaterThanOrEqual(2);
    expect((await state(upn)).counted).toBe(false);
    expect((await state(fresh)).counted).toBe(true);
  });
});
