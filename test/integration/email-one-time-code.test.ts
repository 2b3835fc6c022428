import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import {
  EMAIL_CODE_DIGITS, EMAIL_CODE_LIFETIME_MINUTES, sendEmailOneTimeCode, verifyEmailOneTimeCode,
} from "../../lib/methods/email-one-time-code";
import { lockoutPolicy } from "../../lib/otp/lockout";
import { CodeCheckFailure, verifyOathCode } from "../../lib/otp/verify-oath-code";
import { makeToken, makeUser, wrongCode } from "../support/factories";
import { enableEmailMethodFor, givenConfirmedEmailMethod, latestEmailCode } from "../support/email-codes";

const db = getDb();
const minutes = (from: Date, n: number) => new Date(from.getTime() + n * 60_000);

afterAll(async () => {
  await db.authenticationMethodPolicy.deleteMany({ where: { method: "email" } });
});

/** A user allowed to use email codes, with a confirmed address. */
async function emailUser() {
  const user = await makeUser();
  await enableEmailMethodFor([user.id]);
  const address = await givenConfirmedEmailMethod({ userId: user.id });
  return { user, address };
}

/** Another 8-digit code than `code`. */
const otherCode = (code: string) => String((Number(code) + 1) % 10 ** EMAIL_CODE_DIGITS).padStart(EMAIL_CODE_DIGITS, "0");

describe("email one-time codes", () => {
  it("sends an 8-digit code by mail, keeps only its hash, and accepts it once", async () => {
    const { user, address } = await emailUser();
    expect(await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" })).toMatchObject({ ok: true });
    const code = await latestEmailCode(address);
    expect(code).toMatch(/^\d{8}$/);
    const stored = await db.emailOneTimeCode.findUniqueOrThrow({ where: { userId_purpose: { userId: user.id, purpose: "signIn" } } });
    expect(stored.codeHash).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(code);
    const mail = await db.outboxMessage.findFirstOrThrow({ where: { to: address }, orderBy: { createdAt: "desc" } });
    expect(mail.subject).toBe("Your sign-in verification code");

    // Typed with spaces and a dash, as people read codes out.
    const spaced = `${code.slice(0, 4)} - ${code.slice(4)}`;
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: spaced })).toMatchObject({ ok: true, label: expect.stringContaining("•••@mail.example") });
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code })).toMatchObject({ ok: false, failure: CodeCheckFailure.Replayed });
    const lastMfa = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { lastMfaAt: true } });
    expect(lastMfa.lastMfaAt).not.toBeNull();
  });

  it("refuses a code of the wrong shape without counting it, and codes of another purpose", async () => {
    const { user, address } = await emailUser();
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "passwordReset" });
    const code = await latestEmailCode(address);
    for (const bad of ["123456", "1234567a", 12345678, ""]) {
      const result = await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "passwordReset", code: bad });
      expect(result).toMatchObject({ ok: false, failure: CodeCheckFailure.InvalidFormat, message: expect.stringContaining("8 digits") });
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
    // A password-reset code can't finish a sign-in.
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code })).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable });
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "passwordReset", code })).toMatchObject({ ok: true });
  });

  it("refuses an expired code with what to do, and a new code replaces the old one", async () => {
    const { user, address } = await emailUser();
    const sentAt = new Date();
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", now: sentAt });
    const first = await latestEmailCode(address);
    const expired = await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: first, now: minutes(sentAt, EMAIL_CODE_LIFETIME_MINUTES + 1) });
    expect(expired).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable, message: expect.stringContaining("expired") });

    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" });
    const second = await latestEmailCode(address);
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" });
    const third = await latestEmailCode(address);
    expect(await db.emailOneTimeCode.count({ where: { userId: user.id, purpose: "signIn" } })).toBe(1);
    if (second !== third) {
      expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: second })).toMatchObject({ ok: false, failure: CodeCheckFailure.WrongCode });
    }
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: third })).toMatchObject({ ok: true });
  });

  it("does nothing for a user without a confirmed address or without the policy's leave", async () => {
    const noMethod = await makeUser();
    await enableEmailMethodFor([noMethod.id]);
    const pending = await makeUser();
    await enableEmailMethodFor([pending.id]);
    await db.emailMethod.create({ data: { userId: pending.id, address: `${pending.id}@mail.example` } });
    const notAllowed = await makeUser();
    await givenConfirmedEmailMethod({ userId: notAllowed.id, address: `${notAllowed.id}@mail.example` });

    const outboxBefore = await db.outboxMessage.count();
    expect(await sendEmailOneTimeCode({ db, userId: noMethod.id, purpose: "passwordReset" })).toMatchObject({ ok: false, reason: "noAddress" });
    expect(await sendEmailOneTimeCode({ db, userId: pending.id, purpose: "signIn" })).toMatchObject({ ok: false, reason: "noAddress" });
    expect(await sendEmailOneTimeCode({ db, userId: notAllowed.id, purpose: "signIn" })).toMatchObject({ ok: false, reason: "noAddress" });
    expect(await db.outboxMessage.count()).toBe(outboxBefore);
    expect(await db.emailOneTimeCode.count({ where: { userId: { in: [noMethod.id, pending.id, notAllowed.id] } } })).toBe(0);

    // The unconfirmed address gets the confirmation code, and only that one.
    expect(await sendEmailOneTimeCode({ db, userId: pending.id, purpose: "confirmEmail" })).toMatchObject({ ok: true });
    expect(await latestEmailCode(`${pending.id}@mail.example`)).toMatch(/^\d{8}$/);
    expect(await verifyEmailOneTimeCode({ db, userId: noMethod.id, purpose: "signIn", code: "12345678" })).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable });
  });

  it("gives exactly one success for 50 concurrent submissions of one code (C6)", async () => {
    const { user, address } = await emailUser();
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" });
    const code = await latestEmailCode(address);
    const results = await Promise.all(Array.from({ length: 50 }, () => verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.failure === CodeCheckFailure.Replayed)).toHaveLength(49);
    // Replays are not guesses: the lockout counter is untouched.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
  });

  it("counts wrong email codes towards the same lockout as token codes; a success resets it (C7)", async () => {
    const { user, address } = await emailUser();
    const now = new Date();
    const token = await makeToken({ userId: user.id, now: minutes(now, -30) });
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", now });
    const code = await latestEmailCode(address);
    const { threshold } = lockoutPolicy();

    // Mixed: some wrong token codes, then wrong email codes: one counter.
    await verifyOathCode({ db, userId: user.id, credential: { kind: "hardwareToken", id: token.id }, code: wrongCode(token, now), now });
    await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: otherCode(code), now });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(2);
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code, now })).toMatchObject({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);

    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", now });
    const next = await latestEmailCode(address);
    let last;
    for (let i = 0; i < threshold; i++) last = await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: otherCode(next), now });
    expect(last).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked, lockedUntil: expect.any(Date) });
    // Locked: even the right code is refused, and so are token codes.
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: next, now })).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked });
    const lockAudit = await db.auditEvent.findFirst({ where: { actorId: user.id, action: "MFA locked after too many wrong codes", targetType: "emailMethod" } });
    expect(lockAudit).not.toBeNull();
    expect(JSON.stringify(lockAudit)).not.toContain(next);
  });

  it("counts every one of 30 concurrent wrong codes, and a right code after the lock is refused (C7)", async () => {
    const { user, address } = await emailUser();
    await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" });
    const code = await latestEmailCode(address);
    const results = await Promise.all(Array.from({ length: 30 }, () => verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code: otherCode(code) })));
    expect(results.every((r) => !r.ok)).toBe(true);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.mfaFailedCount).toBe(30);
    expect(stored.mfaLockedUntil).not.toBeNull();
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code })).toMatchObject({ ok: false, failure: CodeCheckFailure.Locked });
  });

  it("keeps users apart: B's code can't be used as A, and A's code never answers for B", async () => {
    const a = await emailUser();
    const b = await emailUser();
    await sendEmailOneTimeCode({ db, userId: a.user.id, purpose: "signIn" });
    await sendEmailOneTimeCode({ db, userId: b.user.id, purpose: "signIn" });
    const codeA = await latestEmailCode(a.address);
    const codeB = await latestEmailCode(b.address);
    if (codeA !== codeB) {
      expect(await verifyEmailOneTimeCode({ db, userId: a.user.id, purpose: "signIn", code: codeB })).toMatchObject({ ok: false, failure: CodeCheckFailure.WrongCode });
    }
    expect(await verifyEmailOneTimeCode({ db, userId: b.user.id, purpose: "signIn", code: codeB })).toMatchObject({ ok: true });
    expect(await verifyEmailOneTimeCode({ db, userId: a.user.id, purpose: "signIn", code: codeA })).toMatchObject({ ok: true });
  });
});
