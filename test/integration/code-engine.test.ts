import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { codeForStep, timeStepAt } from "../../lib/otp/totp";
import { CodeCheckFailure, maxLearnedDriftSteps, verifyOathCode } from "../../lib/otp/verify-oath-code";
import { makeToken, makeUser, tokenCode, wrongCode } from "../support/factories";

const db = getDb();
const ref = (id: string) => ({ kind: "hardwareToken" as const, id });
/** A moment well after activation so activation's used step never interferes. */
const later = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

describe("code engine on a real database", () => {
  it("accepts the current code, ±1 step around the learned drift, and nothing further (C3)", async () => {
    const start = new Date("2026-11-01T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 600);
    for (const offset of [-2, 2]) {
      const result = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now, offset), now });
      expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.WrongCode });
    }
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now, -1), now })).toMatchObject({ ok: true, driftSteps: -1 });
    // A second token of the same user, one step ahead: also inside the window.
    const ahead = await makeToken({ userId: user.id, now: start });
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(ahead.id), code: tokenCode(ahead, now, 1), now })).toMatchObject({ ok: true, driftSteps: 1 });
  });

  it("learns the drift measured at activation and follows the token's clock (C3, C8)", async () => {
    const start = new Date("2026-11-01T10:00:00Z");
    const user = await makeUser();
    // The token's clock runs 40 steps (20 minutes) ahead: far outside ±1, found at activation.
    const token = await makeToken({ userId: user.id, now: start, clockOffsetSteps: 40 });
    const stored = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(stored.driftSteps).toBe(40);
    expect(stored.status).toBe("activated");
    const now = later(start, 3600);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now, 40), now })).toMatchObject({ ok: true, driftSteps: 40 });
    // Its clock moves one more step ahead: accepted and learned.
    const next = later(now, 60);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, next, 41), now: next })).toMatchObject({ ok: true, driftSteps: 41 });
    // The code for the true time (no drift) is now out of the window.
    const after = later(next, 60);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, after, 0), now: after })).toMatchObject({ ok: false });
  });

  it("caps learned drift at one day of steps", () => {
    expect(maxLearnedDriftSteps(30)).toBe(2880);
    expect(maxLearnedDriftSteps(60)).toBe(1440);
  });

  it("uses each token's own period, digits and hash (C2)", async () => {
    const start = new Date("2026-11-02T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start, period: 60, digits: 8, algorithm: "SHA256" });
    const now = later(start, 600);
    const code = tokenCode(token, now);
    expect(code).toHaveLength(8);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })).toMatchObject({ ok: true });
  });

  it("accepts codes that start with 0 (codes are strings)", async () => {
    const start = new Date("2026-11-03T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    // Walk forward to a moment whose code starts with "0".
    let now = later(start, 300);
    while (!tokenCode(token, now).startsWith("0")) now = later(now, 30);
    const code = tokenCode(token, now);
    expect(code).toMatch(/^0\d{5}$/);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })).toMatchObject({ ok: true });
  });

  it("refuses a malformed code with a clear message and without counting a failure (C4)", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id });
    for (const code of ["12345", "abcdef", "１２３４５６", 123456]) {
      const result = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code });
      expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.InvalidFormat, message: expect.stringMatching(/exactly 6 digits|6-digit/) });
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
  });

  it("refuses a code used before, and an older code after a newer one (C6)", async () => {
    const start = new Date("2026-11-04T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 900);
    const code = tokenCode(token, now);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })).toMatchObject({ ok: true });
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })).toMatchObject({ ok: false, failure: CodeCheckFailure.Replayed });
    // The next step's code, then the previous step's (still inside ±1): the older one fails.
    const next = later(now, 30);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, next), now: next })).toMatchObject({ ok: true });
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, next, -1), now: next })).toMatchObject({ ok: false });
  });

  it("gives exactly one success for 50 concurrent submissions of one code (C6)", async () => {
    const start = new Date("2026-11-05T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 1200);
    const code = tokenCode(token, now);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.failure === CodeCheckFailure.Replayed)).toHaveLength(49);
    // A replay is not a guess: the tries it took before the comparison are given back.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null });
    // Each replay is a security event in the audit log (W5), without the code.
    const replays = await db.auditEvent.findMany({ where: { action: "Verification code replayed", targetId: token.id } });
    expect(replays).toHaveLength(49);
    expect(replays.every((event) => !event.details.includes(code))).toBe(true);
    const stored = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(stored.lastUsedStep).toBe(timeStepAt({ now, period: 30, t0: 0 }));
  });

  it("counts 100 concurrent wrong codes without losing one and locks at the 10th (C7)", async () => {
    const start = new Date("2026-11-06T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 600);
    const bad = wrongCode(token, now);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: bad, now })),
    );
    // Failures 1–9 each answer "wrong" once; from the 10th on, every answer is the lock.
    expect(results.filter((r) => !r.ok && r.failure === CodeCheckFailure.WrongCode)).toHaveLength(9);
    expect(results.filter((r) => !r.ok && r.failure === CodeCheckFailure.Locked)).toHaveLength(91);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    // Every code compared is counted (those that arrived after the lock was visible were refused
    // unread), so the counter is at least the threshold and never more than the attempts.
    expect(stored.mfaFailedCount).toBeGreaterThanOrEqual(10);
    expect(stored.mfaFailedCount).toBeLessThanOrEqual(100);
    expect(stored.mfaLockedUntil!.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(await db.auditEvent.count({ where: { action: "MFA locked after too many wrong codes", actorId: user.id } })).toBe(1);
    // Locked: even the right code is refused, and says until when.
    const locked = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now), now });
    expect(locked).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked, message: expect.stringMatching(/locked until \d{4}-\d\d-\d\d \d\d:\d\d UTC/) });
    // After the lock period a good code works again and resets the counter.
    const afterLock = later(now, 16 * 60);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, afterLock), now: afterLock })).toMatchObject({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
  });

  it("counts 100 concurrent wrong codes exactly at the highest threshold (100) and locks at the 100th", async () => {
    const saved = process.env.MFA_LOCKOUT_THRESHOLD;
    process.env.MFA_LOCKOUT_THRESHOLD = "100";
    try {
      const start = new Date("2026-11-06T12:00:00Z");
      const user = await makeUser();
      const token = await makeToken({ userId: user.id, now: start });
      const now = later(start, 600);
      // 100 different wrong codes, as a brute force would send them.
      const taken = new Set(Array.from({ length: 7 }, (_, i) => tokenCode(token, now, i - 3)));
      const guesses = Array.from({ length: 130 }, (_, i) => String(i).padStart(6, "0")).filter((c) => !taken.has(c)).slice(0, 100);
      const results = await Promise.all(guesses.map((code) => verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })));
      expect(results.filter((r) => !r.ok && r.failure === CodeCheckFailure.WrongCode)).toHaveLength(99);
      expect(results.filter((r) => !r.ok && r.failure === CodeCheckFailure.Locked)).toHaveLength(1);
      const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(stored.mfaFailedCount).toBe(100);
      expect(stored.mfaLockedUntil!.getTime()).toBe(now.getTime() + 15 * 60_000);
      expect(await db.auditEvent.count({ where: { action: "MFA locked after too many wrong codes", actorId: user.id } })).toBe(1);
      // One more, even the right code: locked.
      expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now), now })).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked });
    } finally {
      if (saved === undefined) delete process.env.MFA_LOCKOUT_THRESHOLD;
      else process.env.MFA_LOCKOUT_THRESHOLD = saved;
    }
  });

  it("refuses a right code that arrives after the 10th wrong one, even before the lock is written", async () => {
    const start = new Date("2026-11-06T14:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 600);
    // The moment in a burst of parallel guesses between the 10th failure being counted and its
    // lock being written: the right guess must not get in (nor clear the run of failures).
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 10, mfaLockedUntil: null } });
    const result = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now), now });
    expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored).toMatchObject({ mfaFailedCount: 10, lastMfaAt: null });
    expect(stored.mfaLockedUntil!.getTime()).toBe(now.getTime() + 15 * 60_000);
    // The code is spent all the same: it is good once at most.
    const afterLock = later(now, 16 * 60);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now), now: afterLock })).toMatchObject({ ok: false });
  });

  it("locks on the 10th consecutive failure, not before, and a success resets the run", async () => {
    const start = new Date("2026-11-07T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    let now = later(start, 600);
    for (let i = 0; i < 9; i++) {
      const result = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: wrongCode(token, now), now });
      expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.WrongCode });
    }
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now), now })).toMatchObject({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
    now = later(now, 60);
    for (let i = 0; i < 9; i++) await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: wrongCode(token, now), now });
    const tenth = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: wrongCode(token, now), now });
    expect(tenth).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked });
  });

  it("never accepts a code from a token that is not activated, not the user's, or unassigned", async () => {
    const start = new Date("2026-11-08T10:00:00Z");
    const owner = await makeUser();
    const other = await makeUser();
    const assignedOnly = await makeToken({ userId: owner.id, activate: false });
    const activated = await makeToken({ userId: owner.id, now: start });
    const unassigned = await makeToken({});
    const now = later(start, 600);
    for (const [userId, token] of [[owner.id, assignedOnly], [other.id, activated], [owner.id, unassigned]] as const) {
      const result = await verifyOathCode({ db, userId, credential: ref(token.id), code: tokenCode(token, now), now });
      expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable });
    }
  });

  it("counts the activation code as used", async () => {
    const start = new Date("2026-11-09T10:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const step = timeStepAt({ now: start, period: 30, t0: 0 });
    const result = await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: codeForStep({ ...token, step }), now: start });
    expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.Replayed });
  });
});
