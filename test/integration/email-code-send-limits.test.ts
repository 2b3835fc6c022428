import { afterAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { listMfaMethods } from "../../lib/methods/authentication-methods";
import { resendEmailMethodCode, sendVerificationEmailCode, startEmailMethodSetup } from "../../lib/methods/email-method";
import { EMAIL_CODE_SENDS_PER_ADDRESS, EMAIL_CODE_SENDS_PER_USER } from "../../lib/methods/email-one-time-code";
import { SecurityInfoFailure } from "../../lib/methods/security-info-change";
import { sendSignInEmailCode } from "../../lib/signin/email-code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { sendPasswordResetEmailCode, startPasswordReset } from "../../lib/sspr/password-reset-flow";
import { saveSsprPolicy } from "../../lib/sspr/sspr-policy";
import { SSPR_POLICY_DEFAULTS } from "../../lib/sspr/sspr-policy-model";
import { emailUserWithFreshMfa, givenConfirmedEmailMethod } from "../support/email-codes";
import { unique } from "../support/factories";
import { solvedCaptcha } from "../support/password-reset";

const db = getDb();
const client = { ipAddress: "203.0.113.77", userAgent: "Vitest" };
const TRY_AGAIN = /^Too many codes were mailed to you or to this address\. Try again in \d+ minutes?\.$/;

afterAll(async () => {
  await saveSsprPolicy({ db, policy: SSPR_POLICY_DEFAULTS, actor: systemActor });
});


describe("mail from Security info and sign-in is throttled (finding 10)", () => {
  it("the reviewer's burst: 25 confirmation codes to one outside address in a row send the per-user limit, then say when to try again", async () => {
    const { user, actor } = await emailUserWithFreshMfa();
    const outside = `${unique("victim-")}@outside.example`;
    expect(await startEmailMethodSetup({ db, actor, address: outside })).toMatchObject({ ok: true });
    const results = [];
    for (let i = 0; i < 24; i++) results.push(await resendEmailMethodCode({ db, actor }));
    expect(results.filter((r) => r.ok)).toHaveLength(EMAIL_CODE_SENDS_PER_USER.limit - 1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(24 - (EMAIL_CODE_SENDS_PER_USER.limit - 1));
    for (const r of refused) expect(r).toMatchObject({ failure: SecurityInfoFailure.RateLimited, reason: expect.stringMatching(TRY_AGAIN) });
    expect(await db.outboxMessage.count({ where: { to: outside } })).toBe(EMAIL_CODE_SENDS_PER_USER.limit);
    // A new setup of the same address is counted too.
    expect(await startEmailMethodSetup({ db, actor, address: outside })).toMatchObject({ ok: false, failure: SecurityInfoFailure.RateLimited });
    // The wait is the window's: after it, a code can be sent again.
    const later = new Date(Date.now() + EMAIL_CODE_SENDS_PER_USER.windowMinutes * 60_000 + 1_000);
    expect(await resendEmailMethodCode({ db, actor, now: later })).toMatchObject({ ok: true });
    expect(await db.emailMethod.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ address: outside, confirmedAt: null });
  });

  it("several accounts can't together flood one address: the per-address limit holds", async () => {
    const outside = `${unique("flooded-")}@outside.example`;
    let sent = 0;
    const firsts = [];
    for (let i = 0; i < 3; i++) {
      const { actor } = await emailUserWithFreshMfa();
      const first = await startEmailMethodSetup({ db, actor, address: outside });
      firsts.push(first);
      const results = [first];
      for (let j = 0; j < 5; j++) results.push(await resendEmailMethodCode({ db, actor }));
      sent += results.filter((r) => r.ok).length;
    }
    // Two accounts send 5 each (their own limit); the third is refused at once: the address has had 10.
    expect(sent).toBe(EMAIL_CODE_SENDS_PER_ADDRESS.limit);
    expect(firsts[2]).toMatchObject({ ok: false, failure: SecurityInfoFailure.RateLimited, reason: expect.stringMatching(TRY_AGAIN) });
    expect(await db.outboxMessage.count({ where: { to: outside } })).toBe(EMAIL_CODE_SENDS_PER_ADDRESS.limit);
  });

  it("holds under concurrency: 20 simultaneous resends send at most the limit", async () => {
    const { actor } = await emailUserWithFreshMfa();
    const outside = `${unique("burst-")}@outside.example`;
    expect(await startEmailMethodSetup({ db, actor, address: outside })).toMatchObject({ ok: true });
    const results = await Promise.all(Array.from({ length: 20 }, () => resendEmailMethodCode({ db, actor })));
    const ok = results.filter((r) => r.ok).length;
    // Each request counts itself before it looks, so no two can both take the last place (a burst
    // may even all be refused); the refused ones take their count back.
    expect(ok).toBeLessThanOrEqual(EMAIL_CODE_SENDS_PER_USER.limit - 1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.failure === SecurityInfoFailure.RateLimited)).toBe(true);
    expect(await db.outboxMessage.count({ where: { to: outside } })).toBe(1 + ok);
    // The refused burst didn't use up the limit: the next resend goes when there is room.
    expect(await resendEmailMethodCode({ db, actor })).toMatchObject({ ok: ok < EMAIL_CODE_SENDS_PER_USER.limit - 1 });
  });

  it("counts sign-in codes (sign-in page and Security info) per user, and a stranger's password resets don't use them up", async () => {
    const { user, actor } = await emailUserWithFreshMfa();
    const address = await givenConfirmedEmailMethod({ userId: user.id });
    await saveSsprPolicy({ db, policy: { ...SSPR_POLICY_DEFAULTS, enabledFor: "all", methodsRequired: 1, methods: ["email"] }, actor: systemActor });
    // A stranger asks for reset codes: these don't count towards the sign-in limit.
    for (let i = 0; i < 2; i++) {
      const started = await startPasswordReset({ db, upn: user.upn, captcha: await solvedCaptcha(), client });
      if (started.outcome !== "verify") throw new Error(JSON.stringify(started));
      for (let j = 0; j < 3; j++) await sendPasswordResetEmailCode({ db, handle: started.handle });
    }
    expect(await db.outboxMessage.count({ where: { to: address, subject: "Your password reset verification code" } })).toBe(6);

    const signIn = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    if (signIn.outcome !== "mfaRequired") throw new Error(JSON.stringify(signIn));
    const methodId = (await listMfaMethods({ db, userId: user.id })).methods.find((m) => m.type === "Email")!.methodId;
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await sendSignInEmailCode({ db, handle: signIn.handle, methodId })).outcome);
    for (let i = 0; i < 2; i++) outcomes.push((await sendVerificationEmailCode({ db, actor })).ok ? "sent" : "refused");
    expect(outcomes).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(await sendSignInEmailCode({ db, handle: signIn.handle, methodId })).toEqual({ outcome: "retry", message: expect.stringMatching(TRY_AGAIN) });
    expect(await sendVerificationEmailCode({ db, actor })).toMatchObject({ ok: false, failure: SecurityInfoFailure.RateLimited, reason: expect.stringMatching(TRY_AGAIN) });
    expect(await db.outboxMessage.count({ where: { to: address, subject: "Your sign-in verification code" } })).toBe(EMAIL_CODE_SENDS_PER_USER.limit);
    // The password reset keeps its own limits and still sends.
    const started = await startPasswordReset({ db, upn: user.upn, captcha: await solvedCaptcha(), client });
    if (started.outcome !== "verify") throw new Error(JSON.stringify(started));
    await sendPasswordResetEmailCode({ db, handle: started.handle });
    expect(await db.outboxMessage.count({ where: { to: address, subject: "Your password reset verification code" } })).toBe(7);
  });
});
