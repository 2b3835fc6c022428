import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { deleteUserMethod, getUserDetails, requireMfaReregistration } from "../../lib/directory/users";
import { listMfaMethods } from "../../lib/methods/authentication-methods";
import { changeDefaultMethod } from "../../lib/methods/default-method";
import { deleteAuthenticationMethod } from "../../lib/methods/delete-method";
import { confirmEmailMethod, sendVerificationEmailCode, startEmailMethodSetup } from "../../lib/methods/email-method";
import { sendEmailOneTimeCode } from "../../lib/methods/email-one-time-code";
import { FRESH_MFA_MINUTES, confirmFreshMfa } from "../../lib/methods/fresh-mfa";
import { getSecurityInfo } from "../../lib/methods/security-info";
import { SecurityInfoFailure, type SecurityInfoActor } from "../../lib/methods/security-info-change";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { checkCodeStep } from "../../lib/signin/code-step";
import { sendSignInEmailCode } from "../../lib/signin/email-code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { makeSecurityInfoActor, makeToken, makeUser, setSessionMfaAt, unique } from "../support/factories";
import { emailUserWithFreshMfa, latestEmailCode } from "../support/email-codes";

const db = getDb();
const client = { ipAddress: "203.0.113.12", userAgent: "Vitest" };

afterAll(async () => {
  await db.authenticationMethodPolicy.deleteMany({ where: { method: "email" } });
});


/** Adds and confirms an email method through the product's own steps. */
async function addEmail(actor: SecurityInfoActor, address = `${unique("box")}@mail.example`) {
  const started = await startEmailMethodSetup({ db, actor, address: ` ${address.toUpperCase()} ` });
  if (!started.ok) throw new Error(started.reason);
  const confirmed = await confirmEmailMethod({ db, actor, code: await latestEmailCode(address) });
  if (!confirmed.ok) throw new Error(confirmed.reason);
  return address.toLowerCase();
}

describe("email as an authentication method", () => {
  it("is added by confirming a code sent to the address, unusable until then; audited and notified", async () => {
    const { user, actor } = await emailUserWithFreshMfa();
    const address = `${unique("box")}@mail.example`;
    expect(await startEmailMethodSetup({ db, actor, address })).toEqual({ ok: true, address });
    // Not confirmed: it can't answer sign-in, and no sign-in code can be sent to it.
    expect((await listMfaMethods({ db, userId: user.id })).methods).toEqual([]);
    expect(await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" })).toMatchObject({ ok: false, reason: "noAddress" });
    const pending = await getSecurityInfo({ db, userId: user.id });
    expect(pending.entries.find((e) => e.type === "Email")).toMatchObject({ label: address, note: expect.stringContaining("Not confirmed") });
    expect(pending.addableMethods).toContain("email");

    const code = await latestEmailCode(address);
    const wrong = String((Number(code) + 1) % 1e8).padStart(8, "0");
    expect(await confirmEmailMethod({ db, actor, code: wrong })).toMatchObject({ ok: false, failure: SecurityInfoFailure.WrongCode });
    expect(await confirmEmailMethod({ db, actor, code: "12" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Invalid });
    expect(await confirmEmailMethod({ db, actor, code })).toEqual({ ok: true, address });
    expect(await confirmEmailMethod({ db, actor, code })).toMatchObject({ ok: false, failure: SecurityInfoFailure.Expired });

    const { methods, defaultMethod } = await listMfaMethods({ db, userId: user.id });
    expect(methods).toMatchObject([{ type: "Email", label: address, credential: null, prompt: `Send a code to ${address[0]}•••@mail.example` }]);
    expect(defaultMethod?.type).toBe("Email");
    const info = await getSecurityInfo({ db, userId: user.id });
    expect(info.entries.find((e) => e.type === "Email")).toMatchObject({ label: address, note: undefined });
    expect(info.addableMethods).not.toContain("email");
    expect(info.defaultMethod).toBe(`Email – code (${address})`);
    // Not counted in the limit of 5 tokens and apps, and one address per user.
    expect(await startEmailMethodSetup({ db, actor, address: "other@mail.example" })).toMatchObject({ ok: false, reason: expect.stringContaining("Delete it first") });

    const notice = await db.outboxMessage.findFirstOrThrow({ where: { to: user.upn, subject: "An email address was added to your sign-in methods" } });
    expect(notice.body).toContain(address);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { actorId: user.id, action: "Register email method" } });
    expect(audit).toMatchObject({ targetType: "emailMethod", targetLabel: address, result: "success" });
    expect(JSON.stringify(await db.auditEvent.findMany({ where: { actorId: user.id } }))).not.toContain(code);
  });

  it("is offered and usable only while the authentication methods policy allows it", async () => {
    const { user, actor } = await emailUserWithFreshMfa();
    await addEmail(actor);
    expect((await listMfaMethods({ db, userId: user.id })).methods).toHaveLength(1);
    const outsider = await makeUser();
    const outsiderActor = await makeSecurityInfoActor(outsider);
    expect(await startEmailMethodSetup({ db, actor: outsiderActor, address: "x@mail.example" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.MethodDisabled });
    expect((await getSecurityInfo({ db, userId: outsider.id })).addableMethods).not.toContain("email");

    await saveMethodPolicy({ db, method: "email", enabled: false, includeAllUsers: true, groupIds: [], settings: {}, actor: { id: null, upn: "system" } });
    try {
      expect((await listMfaMethods({ db, userId: user.id })).methods).toEqual([]);
      expect(await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" })).toMatchObject({ ok: false, reason: "noAddress" });
    } finally {
      await db.authenticationMethodPolicy.deleteMany({ where: { method: "email" } });
    }
  });

  it("is deleted with the usual rules (fresh MFA, which email can answer; the default promoted), never by another user", async () => {
    const { user, actor } = await emailUserWithFreshMfa();
    const address = await addEmail(actor);
    const emailId = (await listMfaMethods({ db, userId: user.id })).methods[0].methodId;
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
    expect((await changeDefaultMethod({ db, actor, methodId: emailId })).ok).toBe(true);

    // Another user can't delete it (the id is theirs to guess, not to use).
    const { actor: other } = await emailUserWithFreshMfa();
    expect(await deleteAuthenticationMethod({ db, actor: other, methodId: emailId })).toMatchObject({ ok: false, failure: SecurityInfoFailure.NotFound });
    expect(await db.emailMethod.count({ where: { userId: user.id } })).toBe(1);

    // A stale MFA asks for a code first.
    await setSessionMfaAt(actor, new Date(Date.now() - (FRESH_MFA_MINUTES + 1) * 60_000));
    expect(await deleteAuthenticationMethod({ db, actor, methodId: emailId })).toMatchObject({ ok: false, failure: SecurityInfoFailure.FreshMfaRequired });
    // … which the email method itself can answer.
    expect(await sendVerificationEmailCode({ db, actor })).toMatchObject({ ok: true });
    expect(await confirmFreshMfa({ db, actor, methodId: emailId, code: await latestEmailCode(address) })).toEqual({ ok: true });

    const deleted = await deleteAuthenticationMethod({ db, actor, methodId: emailId });
    expect(deleted).toEqual({ ok: true, label: `Email ${address}`, newDefaultMethodId: `hardwareToken:${token.id}` });
    expect(await db.emailMethod.count({ where: { userId: user.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBe(`hardwareToken:${token.id}`);
    expect(await db.outboxMessage.count({ where: { to: user.upn, subject: "A sign-in method was removed from your account" } })).toBe(1);
  });

  it("answers sign-in: Send code, then the code; the log says Email code with the address masked", async () => {
    const { user, actor } = await emailUserWithFreshMfa();
    const address = await addEmail(actor);
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    expect(first.outcome).toBe("mfaRequired");
    if (first.outcome !== "mfaRequired") return;
    const email = first.methods.find((m) => m.type === "Email");
    expect(email?.prompt).toBe(`Send a code to ${address[0]}•••@mail.example`);
    expect(first.defaultMethodId).toBe(email?.methodId);

    // Another user's method id, or a made-up handle, sends nothing.
    const { actor: otherActor } = await emailUserWithFreshMfa();
    await addEmail(otherActor);
    const otherId = (await listMfaMethods({ db, userId: otherActor.id })).methods[0].methodId;
    expect(await sendSignInEmailCode({ db, handle: first.handle, methodId: otherId })).toMatchObject({ outcome: "retry" });
    expect(await sendSignInEmailCode({ db, handle: "not-a-handle", methodId: email!.methodId })).toMatchObject({ outcome: "expired" });

    expect(await sendSignInEmailCode({ db, handle: first.handle, methodId: email!.methodId })).toMatchObject({ outcome: "sent", message: expect.stringContaining("•••@mail.example") });
    const code = await latestEmailCode(address);
    expect(await checkCodeStep({ db, handle: first.handle, methodId: email!.methodId, code: "00000000" === code ? "00000001" : "00000000" })).toMatchObject({ outcome: "retry" });
    expect(await checkCodeStep({ db, handle: first.handle, methodId: email!.methodId, code })).toEqual({ outcome: "complete" });
    expect(await redeemSignInHandle({ db, handle: first.handle })).toMatchObject({ userId: user.id });

    const record = await db.signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(record).toMatchObject({ status: "success", authRequirement: "multiFactor" });
    expect(record.steps.map((s) => [s.method, s.succeeded])).toEqual([["Password", true], ["Email code", false], ["Email code", true]]);
    expect(record.steps[2].detail).toBe(`${address[0]}•••@mail.example`);
  });

  it("shows in the admin console's user page; an admin deletes it (never from another user) or requires re-registration", async () => {
    const adminUser = await makeUser({ roles: ["Authentication Administrator"] });
    const admin = { id: adminUser.id, upn: adminUser.upn, roles: ["Authentication Administrator" as const], ipAddress: "198.51.100.8" };
    const { user, actor } = await emailUserWithFreshMfa();
    const address = await addEmail(actor);
    const methodId = (await listMfaMethods({ db, userId: user.id })).methods[0].methodId;
    expect((await getUserDetails({ db, userId: user.id }))!.methods).toMatchObject([{ methodId, type: "Email", name: address, status: "active", isDefault: true }]);

    const other = await makeUser();
    expect(await deleteUserMethod({ db, userId: other.id, methodId, actor: admin })).toMatchObject({ ok: false });
    expect(await db.emailMethod.count({ where: { userId: user.id } })).toBe(1);
    expect(await deleteUserMethod({ db, userId: user.id, methodId, actor: admin })).toEqual({ ok: true, upn: user.upn, label: `Email ${address}` });
    expect(await db.emailMethod.count({ where: { userId: user.id } })).toBe(0);

    await addEmail(actor);
    expect(await requireMfaReregistration({ db, userId: user.id, actor: admin })).toEqual({ ok: true, upn: user.upn, removed: 1 });
    expect((await getUserDetails({ db, userId: user.id }))!.methods).toEqual([]);
  });
});
