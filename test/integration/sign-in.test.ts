import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { checkCodeStep, SIGN_IN_EXPIRED_MESSAGE } from "../../lib/signin/code-step";
import { BAD_CREDENTIALS_MESSAGE, checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { makeToken, makeUser, tokenCode, wrongCode } from "../support/factories";

const db = getDb();
const client = { ipAddress: "203.0.113.7", userAgent: "Vitest" };
const later = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

async function signInRecord(upn: string) {
  return db.signIn.findFirstOrThrow({ where: { upn }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });
}

describe("sign-in: password step", () => {
  it("answers unknown user, disabled user and wrong password with the same message (A2)", async () => {
    const user = await makeUser();
    const disabled = await makeUser();
    await db.user.update({ where: { id: disabled.id }, data: { enabled: false } });
    const attempts = [
      { upn: "nobody-here@contoso.example", password: "whatever-password" },
      { upn: disabled.upn, password: disabled.password },
      { upn: user.upn, password: "not-the-password" },
    ];
    for (const attempt of attempts) {
      const result = await checkPasswordStep({ db, ...attempt, callbackUrl: "/mysecurityinfo", client });
      expect(result).toEqual({ outcome: "failed", message: BAD_CREDENTIALS_MESSAGE });
    }
    // The log (admins only) keeps the real reason.
    expect((await signInRecord("nobody-here@contoso.example")).failureReason).toBe("User account not found");
    expect((await signInRecord(disabled.upn)).failureReason).toBe("User account is disabled");
    const wrong = await signInRecord(user.upn);
    expect(wrong).toMatchObject({ status: "failure", failureReason: "Invalid password", ipAddress: "203.0.113.7", userAgent: "Vitest", clientApp: "Browser", resource: "Security info" });
    expect(wrong.steps).toMatchObject([{ method: "Password", requirement: "primary", succeeded: false }]);
  });

  it("completes single-factor for a user with no method, and the handle is redeemed once", async () => {
    const user = await makeUser();
    const result = await checkPasswordStep({ db, upn: user.upn.toUpperCase(), password: user.password, callbackUrl: "/mysecurityinfo", client });
    expect(result.outcome).toBe("complete");
    if (result.outcome !== "complete") return;
    const identity = await redeemSignInHandle({ db, handle: result.handle });
    expect(identity).toMatchObject({ userId: user.id, mfaAt: null, sessionVersion: 1 });
    expect(await redeemSignInHandle({ db, handle: result.handle })).toBeNull();
    expect((await signInRecord(user.upn)).status).toBe("success");
  });

  it("refuses the admin console to an admin without any method", async () => {
    const admin = await makeUser({ roles: ["Global Administrator"] });
    const result = await checkPasswordStep({ db, upn: admin.upn, password: admin.password, callbackUrl: "/admin", client });
    expect(result).toMatchObject({ outcome: "failed", message: expect.stringMatching(/admin console requires a second sign-in method/) });
    expect(await signInRecord(admin.upn)).toMatchObject({ resource: "Admin console", status: "failure" });
  });
});

describe("sign-in: code step", () => {
  it("asks for the default method's code, can't be skipped, and then completes once (A1)", async () => {
    const start = new Date("2026-11-10T09:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 300);
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    expect(first.outcome).toBe("mfaRequired");
    if (first.outcome !== "mfaRequired") return;
    expect(first.methods).toEqual([{ methodId: `hardwareToken:${token.id}`, type: "Hardware token", prompt: `Use a verification code from hardware token ${token.serialNumber}` }]);
    // Skipping the code: the handle can't be redeemed yet.
    expect(await redeemSignInHandle({ db, handle: first.handle, now })).toBeNull();
    expect((await signInRecord(user.upn)).status).toBe("interrupted");

    const bad = await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code: wrongCode(token, now), now });
    expect(bad).toMatchObject({ outcome: "retry", message: expect.stringMatching(/didn't work/) });
    const good = await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code: tokenCode(token, now), now });
    expect(good).toEqual({ outcome: "complete" });
    const identity = await redeemSignInHandle({ db, handle: first.handle, now });
    expect(identity).toMatchObject({ userId: user.id, mfaAt: now.getTime() });
    expect(await redeemSignInHandle({ db, handle: first.handle, now })).toBeNull();

    const record = await signInRecord(user.upn);
    expect(record).toMatchObject({ status: "success", authRequirement: "multiFactor", failureReason: null });
    expect(record.steps.map((s) => [s.method, s.requirement, s.succeeded, s.detail])).toEqual([
      ["Password", "primary", true, ""],
      ["OATH verification code", "mfa", false, `Serial number ${token.serialNumber}`],
      ["OATH verification code", "mfa", true, `Serial number ${token.serialNumber}`],
    ]);
  });

  it("expires the pending sign-in after 5 minutes", async () => {
    const start = new Date("2026-11-11T09:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 300);
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    if (first.outcome !== "mfaRequired") throw new Error("expected MFA");
    const late = later(now, 5 * 60 + 1);
    const result = await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code: tokenCode(token, late), now: late });
    expect(result).toEqual({ outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE });
  });

  it("refuses a method the user doesn't hold, and an unknown handle", async () => {
    const start = new Date("2026-11-12T09:00:00Z");
    const user = await makeUser();
    const other = await makeUser();
    await makeToken({ userId: user.id, now: start });
    const otherToken = await makeToken({ userId: other.id, now: start });
    const now = later(start, 300);
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    if (first.outcome !== "mfaRequired") throw new Error("expected MFA");
    const result = await checkCodeStep({ db, handle: first.handle, methodId: `hardwareToken:${otherToken.id}`, code: tokenCode(otherToken, now), now });
    expect(result).toMatchObject({ outcome: "retry", message: "Choose one of your sign-in methods." });
    expect(await checkCodeStep({ db, handle: "x".repeat(43), methodId: first.defaultMethodId, code: "123456", now })).toMatchObject({ outcome: "expired" });
  });

  it("uses the default method the user chose first", async () => {
    const start = new Date("2026-11-13T09:00:00Z");
    const user = await makeUser();
    await makeToken({ userId: user.id, now: start });
    const second = await makeToken({ userId: user.id, now: later(start, 60) });
    await db.user.update({ where: { id: user.id }, data: { defaultMethod: `hardwareToken:${second.id}` } });
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now: later(start, 600) });
    if (first.outcome !== "mfaRequired") throw new Error("expected MFA");
    expect(first.defaultMethodId).toBe(`hardwareToken:${second.id}`);
    expect(first.methods[0].methodId).toBe(`hardwareToken:${second.id}`);
    expect(first.methods).toHaveLength(2);
  });

  it("records a lockout as a failed sign-in and says until when", async () => {
    const start = new Date("2026-11-14T09:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    const now = later(start, 300);
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    if (first.outcome !== "mfaRequired") throw new Error("expected MFA");
    let last;
    for (let i = 0; i < 10; i++) last = await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code: wrongCode(token, now), now });
    expect(last).toMatchObject({ outcome: "retry", message: expect.stringMatching(/locked until/) });
    expect(await signInRecord(user.upn)).toMatchObject({ status: "failure", failureReason: "MFA locked after too many wrong codes" });
  });
});
