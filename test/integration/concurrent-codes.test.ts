// One valid code submitted 50 times at once, through every path that accepts a code at sign-in or
// activation: exactly one succeeds (C6), and the others neither count as wrong codes (C7) nor
// change the token's state. On SQLite and on PostgreSQL (same file).
import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { selfActivateHardwareToken } from "../../lib/methods/self-activate-hardware-token";
import { SecurityInfoFailure } from "../../lib/methods/security-info-change";
import { timeStepAt } from "../../lib/otp/totp";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { activateHardwareTokenAsAdmin } from "../../lib/tokens/activation-rate-limit";
import { makeSecurityInfoActor, makeToken, makeUser, tokenCode } from "../support/factories";

const db = getDb();
const PARALLEL = 50;
const client = { ipAddress: "203.0.113.50", userAgent: "Vitest" };
const later = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);
const times = <T>(n: number, run: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => run(i)));

async function pendingSignIn(user: { upn: string; password: string }, now: Date) {
  const result = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
  if (result.outcome !== "mfaRequired") throw new Error(`expected the code step, got ${result.outcome}`);
  return result;
}

describe("50 concurrent submissions of one valid code → exactly one success", () => {
  it("sign-in, 50 sign-ins of the same user racing one code (a phished code replayed by an attacker who has the password)", async () => {
    const start = new Date("2026-11-20T09:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 300);
    // Each pending sign-in passed the password step on its own (its own handle, as from its own browser).
    const pendings: Awaited<ReturnType<typeof pendingSignIn>>[] = [];
    for (let i = 0; i < PARALLEL; i++) pendings.push(await pendingSignIn(user, now));
    const code = tokenCode(token, now);

    const results = await Promise.all(pendings.map((p) => checkCodeStep({ db, handle: p.handle, methodId: p.defaultMethodId, code, now })));
    const winners = results.flatMap((r, i) => (r.outcome === "complete" ? [pendings[i]] : []));
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "retry" && /already been used/.test(r.message))).toHaveLength(PARALLEL - 1);
    // Only the winner's sign-in can become a session; the others stay waiting for a code.
    const redeemed = await Promise.all(pendings.map((p) => redeemSignInHandle({ db, handle: p.handle, now })));
    expect(redeemed.filter(Boolean)).toHaveLength(1);
    expect(redeemed[pendings.indexOf(winners[0])]).toMatchObject({ userId: user.id, mfaAt: now.getTime() });
    expect(await db.pendingSignIn.count({ where: { userId: user.id, stage: "complete" } })).toBe(1);
    // Replays are refused and audited but are not guesses: no failure counted, no lock.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null });
    expect(await db.auditEvent.count({ where: { action: "Verification code replayed", targetId: token.id } })).toBe(PARALLEL - 1);
    expect(await db.signIn.count({ where: { userId: user.id, status: "success" } })).toBe(1);
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep).toBe(timeStepAt({ now, period: 30, t0: 0 }));
  });

  it("sign-in, one pending sign-in submitted 50 times at once (a double-clicked form) completes once", async () => {
    const start = new Date("2026-11-21T09:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 300);
    const pending = await pendingSignIn(user, now);
    const code = tokenCode(token, now);
    const results = await times(PARALLEL, () => checkCodeStep({ db, handle: pending.handle, methodId: pending.defaultMethodId, code, now }));
    expect(results.filter((r) => r.outcome === "complete")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "retry" && /already been used/.test(r.message))).toHaveLength(PARALLEL - 1);
    expect(await redeemSignInHandle({ db, handle: pending.handle, now })).toMatchObject({ userId: user.id });
    expect(await redeemSignInHandle({ db, handle: pending.handle, now })).toBeNull();
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
  });

  it("admin activation: one activation, the other 49 told the code is used; the token is never marked failed", async () => {
    const admin = await makeUser({ roles: ["Global Administrator"] });
    const actor = { id: admin.id, upn: admin.upn, roles: ["Global Administrator" as const], ipAddress: "198.51.100.50" };
    const holder = await makeUser();
    const token = await makeToken({ userId: holder.id, activate: false });
    const now = new Date();
    const code = tokenCode(token, now, 7); // the token's clock runs 7 steps ahead: found by the wide search
    const results = await times(PARALLEL, () => activateHardwareTokenAsAdmin({ db, tokenId: token.id, code, actor, now }));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, serialNumber: token.serialNumber, driftSteps: 7, period: 30 }]);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(PARALLEL - 1);
    // Each loser lost the race for the step (used code) or saw the token already activated — never "doesn't match".
    for (const r of refused) expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/already been used|already activated/) });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({
      status: "activated",
      driftSteps: 7,
      lastUsedStep: timeStepAt({ now, period: 30, t0: 0 }) + 7,
    });
    expect(await db.auditEvent.count({ where: { action: "Activate hardware token", targetId: token.id, result: "success" } })).toBe(1);
  });

  it("self-activation: one activation and one notice; no wrong-code count, no lock", async () => {
    const user = await makeUser();
    const actor = await makeSecurityInfoActor(user, { ipAddress: "203.0.113.51" });
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    const code = tokenCode(token, now, -2);
    const results = await times(PARALLEL, () => selfActivateHardwareToken({ db, actor, serialNumber: token.serialNumber, friendlyName: "Desk fob", code, now }));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, serialNumber: token.serialNumber }]);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(PARALLEL - 1);
    for (const r of refused) expect(r).toMatchObject({ ok: false, failure: SecurityInfoFailure.Invalid, reason: expect.stringMatching(/already been used|already activated/) });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "activated", driftSteps: -2, friendlyName: "Desk fob" });
    // Before the fix, each loser counted as a wrong code: 49 "failures" locked the user out of MFA.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null, lastMfaAt: now });
    expect(await db.outboxMessage.count({ where: { to: user.upn, subject: "A hardware token was activated on your account" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "Register hardware token", actorId: user.id } })).toBe(1);
  });
});

describe("a right code arriving after the lockout threshold (parallel guesses)", () => {
  it("self-activation: refused as locked and rolled back — the token stays waiting, nothing is notified", async () => {
    const user = await makeUser();
    const actor = await makeSecurityInfoActor(user, { ipAddress: "203.0.113.52" });
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    // The moment in a burst of wrong guesses over the ±1-day window when the 10th has been
    // counted but its lock not yet written: a right guess must not activate the token.
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 10, mfaLockedUntil: null } });
    const result = await selfActivateHardwareToken({ db, actor, serialNumber: token.serialNumber, friendlyName: "", code: tokenCode(token, now), now });
    expect(result).toMatchObject({ ok: false, failure: SecurityInfoFailure.Locked, reason: expect.stringMatching(/locked until/) });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "assigned", lastUsedStep: -1 });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored).toMatchObject({ mfaFailedCount: 10, lastMfaAt: null });
    expect(stored.mfaLockedUntil!.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(await db.outboxMessage.count({ where: { to: user.upn } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "Activate hardware token", targetId: token.id, result: "success" } })).toBe(0);
  });
});
