import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { verifyPassword } from "../../lib/auth/password";
import { getDb } from "../../lib/db/client";
import { demoMailbox, isDemoOrganisation } from "../../lib/demo/demo-mailbox";
import { seedDemoOrganisation } from "../../lib/demo/seed-demo-organisation";
import { EMAIL_ADDRESS_UNAVAILABLE, confirmEmailMethod, startEmailMethodSetup } from "../../lib/methods/email-method";
import { sendEmailOneTimeCode } from "../../lib/methods/email-one-time-code";
import { SecurityInfoFailure } from "../../lib/methods/security-info-change";
import { checkCodeStep } from "../../lib/signin/code-step";
import { sendSignInEmailCode } from "../../lib/signin/email-code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { completePasswordReset, sendPasswordResetEmailCode, startPasswordReset, verifyPasswordResetCode } from "../../lib/sspr/password-reset-flow";
import { getSsprPolicy, saveSsprPolicy } from "../../lib/sspr/sspr-policy";
import { SSPR_POLICY_DEFAULTS } from "../../lib/sspr/sspr-policy-model";
import { emailUserWithFreshMfa, latestEmailCode } from "../support/email-codes";
import { unique } from "../support/factories";
import { solvedCaptcha } from "../support/password-reset";

const db = getDb();
const client = { ipAddress: "203.0.113.66", userAgent: "Vitest" };
const STOLEN_PASSWORD = "attacker chose this one 1234";

let ssprBefore: Awaited<ReturnType<typeof getSsprPolicy>>;
beforeAll(async () => {
  // The demo mailbox (/mymail) exists only in the demo organisation.
  if (!(await isDemoOrganisation({ db }))) await seedDemoOrganisation({ db });
  ssprBefore = await getSsprPolicy({ db });
  // Anyone may reset with one email code, as in the demo.
  expect(await saveSsprPolicy({ db, policy: { ...SSPR_POLICY_DEFAULTS, enabledFor: "all", methodsRequired: 1, methods: ["hardwareOath", "softwareOath", "email"], requireRegistration: false }, actor: systemActor })).toEqual({ ok: true });
});
afterAll(async () => {
  await saveSsprPolicy({ db, policy: ssprBefore, actor: systemActor });
});


/** Every 8-digit code someone can read in their demo mailbox. */
async function codesInMailbox(userId: string): Promise<string[]> {
  const mailbox = await demoMailbox({ db, userId });
  return (mailbox?.messages ?? []).flatMap((m) => [...m.body.matchAll(/\b(\d{8})\b/g)].map((match) => match[1]));
}

describe("a confirmed email address belongs to one account (finding 1)", () => {
  it("the reviewer's chain: Carol types Alice's confirmed address, yet can't read Alice's codes, reset her password or sign in as her", async () => {
    const alice = await emailUserWithFreshMfa();
    const carol = await emailUserWithFreshMfa();
    const address = `${unique("alice.home-")}@example.net`;
    // Alice adds and confirms her address.
    expect(await startEmailMethodSetup({ db, actor: alice.actor, address })).toEqual({ ok: true, address });
    expect(await confirmEmailMethod({ db, actor: alice.actor, code: await latestEmailCode(address) })).toEqual({ ok: true, address });

    // Carol starts email setup with the same address: refused, without saying whose it is.
    const carolsTry = await startEmailMethodSetup({ db, actor: carol.actor, address });

    // An anonymous visitor starts a reset for Alice and has her reset code mailed.
    const started = await startPasswordReset({ db, upn: alice.user.upn, captcha: await solvedCaptcha(), client });
    if (started.outcome !== "verify") throw new Error(JSON.stringify(started));
    await sendPasswordResetEmailCode({ db, handle: started.handle });
    const resetMail = await db.outboxMessage.findFirstOrThrow({ where: { to: address, subject: "Your password reset verification code" } });
    // …and tries every code Carol's mailbox shows.
    const verdicts = [];
    for (const code of await codesInMailbox(carol.user.id)) {
      verdicts.push(await verifyPasswordResetCode({ db, handle: started.handle, method: "email", code, client }));
    }
    const reset = await completePasswordReset({ db, handle: started.handle, newPassword: STOLEN_PASSWORD, client });
    // The attack fails: no code Carol can read verifies the reset, and Alice's password is hers.
    expect(verdicts.filter((v) => v.outcome === "verified")).toEqual([]);
    expect(reset.outcome).not.toBe("done");
    const stored = await db.user.findUniqueOrThrow({ where: { id: alice.user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ passwordHash: stored.passwordHash, password: alice.user.password })).toBe(true);

    // The same at sign-in, with Alice's password: the sign-in code goes to Alice's address only.
    const signIn = await checkPasswordStep({ db, upn: alice.user.upn, password: alice.user.password, callbackUrl: "/mysecurityinfo", client });
    if (signIn.outcome !== "mfaRequired") throw new Error(JSON.stringify(signIn));
    const emailMethod = `email:${(await db.emailMethod.findUniqueOrThrow({ where: { userId: alice.user.id } })).id}`;
    expect(await sendSignInEmailCode({ db, handle: signIn.handle, methodId: emailMethod })).toMatchObject({ outcome: "sent" });
    const signInVerdicts = [];
    for (const code of await codesInMailbox(carol.user.id)) {
      signInVerdicts.push((await checkCodeStep({ db, handle: signIn.handle, methodId: emailMethod, code })).outcome);
    }
    expect(signInVerdicts).not.toContain("complete");

    // How: Carol's try was refused neutrally, and her mailbox holds none of Alice's mail.
    expect(carolsTry).toEqual({ ok: false, failure: SecurityInfoFailure.Invalid, reason: EMAIL_ADDRESS_UNAVAILABLE });
    expect(EMAIL_ADDRESS_UNAVAILABLE).not.toContain(alice.user.upn);
    const carolsMail = (await demoMailbox({ db, userId: carol.user.id }))!;
    expect(carolsMail.addresses).toEqual([carol.user.upn]);
    expect(carolsMail.messages.map((m) => m.to)).not.toContain(address);
    expect(carolsMail.messages.map((m) => m.id)).not.toContain(resetMail.id);
    // Alice's own mailbox has her codes: the reset code and the sign-in code.
    const alicesMail = (await demoMailbox({ db, userId: alice.user.id }))!;
    expect(alicesMail.addresses).toEqual([alice.user.upn, address]);
    expect(alicesMail.messages.map((m) => m.id)).toContain(resetMail.id);
  });

  it("shows an address being added only its own confirmation code, and no one else's mail to it", async () => {
    const dave = await emailUserWithFreshMfa();
    const erin = await emailUserWithFreshMfa();
    const address = `${unique("shared-")}@example.net`;
    // Both type the same address; neither has confirmed it yet, so neither is refused.
    expect(await startEmailMethodSetup({ db, actor: dave.actor, address })).toMatchObject({ ok: true });
    expect(await startEmailMethodSetup({ db, actor: erin.actor, address })).toMatchObject({ ok: true });
    const davesMail = (await demoMailbox({ db, userId: dave.user.id }))!.messages.filter((m) => m.to === address);
    const erinsMail = (await demoMailbox({ db, userId: erin.user.id }))!.messages.filter((m) => m.to === address);
    expect(davesMail).toHaveLength(1);
    expect(erinsMail).toHaveLength(1);
    expect(davesMail[0].id).not.toBe(erinsMail[0].id);
    // No sign-in or reset code goes to an address before it is confirmed: only the confirmation code.
    expect(await sendEmailOneTimeCode({ db, userId: dave.user.id, purpose: "signIn" })).toEqual({ ok: false, reason: "noAddress" });
    expect(await sendEmailOneTimeCode({ db, userId: dave.user.id, purpose: "passwordReset" })).toEqual({ ok: false, reason: "noAddress" });
    // Dave confirms first; Erin's confirmation, even with her own right code, is refused.
    const davesCode = /\b(\d{8})\b/.exec(davesMail[0].body)![1];
    const erinsCode = /\b(\d{8})\b/.exec(erinsMail[0].body)![1];
    expect(await confirmEmailMethod({ db, actor: dave.actor, code: davesCode })).toMatchObject({ ok: true });
    expect(await confirmEmailMethod({ db, actor: erin.actor, code: erinsCode })).toEqual({ ok: false, failure: SecurityInfoFailure.Invalid, reason: EMAIL_ADDRESS_UNAVAILABLE });
    expect(await db.emailMethod.findUniqueOrThrow({ where: { userId: erin.user.id } })).toMatchObject({ confirmedAt: null, confirmedAddress: null });
  });

  it("lets exactly one of two accounts confirming one address at the same instant have it", async () => {
    for (let round = 0; round < 3; round++) {
      const people = [await emailUserWithFreshMfa(), await emailUserWithFreshMfa()];
      const address = `${unique("race-")}@example.net`;
      for (const p of people) expect(await startEmailMethodSetup({ db, actor: p.actor, address })).toMatchObject({ ok: true });
      const codes = await Promise.all(
        people.map(async (p) => {
          const mail = await db.outboxMessage.findFirstOrThrow({ where: { to: address, userId: p.user.id }, orderBy: { createdAt: "desc" } });
          return /\b(\d{8})\b/.exec(mail.body)![1];
        }),
      );
      const results = await Promise.all(people.map((p, i) => confirmEmailMethod({ db, actor: p.actor, code: codes[i] })));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, failure: SecurityInfoFailure.Invalid, reason: EMAIL_ADDRESS_UNAVAILABLE }]);
      expect(await db.emailMethod.count({ where: { address, confirmedAt: { not: null } } })).toBe(1);
    }
  });
});
