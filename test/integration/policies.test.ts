import { afterEach, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { deleteConditionalAccessPolicy, saveConditionalAccessPolicy, type ConditionalAccessPolicyInput } from "../../lib/conditional-access/policy-store";
import { whatIf } from "../../lib/signin/what-if";
import { getDb } from "../../lib/db/client";
import { listMfaMethods } from "../../lib/methods/authentication-methods";
import { startAuthenticatorAppSetup } from "../../lib/methods/authenticator-app";
import { getSecurityInfo } from "../../lib/methods/security-info";
import { SecurityInfoFailure } from "../../lib/methods/security-info-change";
import { selfActivateHardwareToken } from "../../lib/methods/self-activate-hardware-token";
import { METHOD_POLICY_DEFAULTS, methodSettingsSchemas } from "../../lib/policies/method-policy-model";
import { getAuthenticationMethodsPolicy, saveMethodPolicy } from "../../lib/policies/methods-policy";
import { checkCodeStep } from "../../lib/signin/code-step";
import { ADMIN_CONSOLE_NEEDS_METHOD_MESSAGE, NEEDS_METHOD_MESSAGE, checkPasswordStep } from "../../lib/signin/password-step";
import { makeSecurityInfoActor, makeToken, makeUser, tokenCode, unique } from "../support/factories";

const db = getDb();
const client = { ipAddress: "203.0.113.8", userAgent: "Vitest" };
const admin = { id: null, upn: "policy-admin@contoso.example", ipAddress: "203.0.113.1" };

// Policies are organisation-wide: each test scopes its own to a fresh group and removes them after.
afterEach(async () => {
  await db.conditionalAccessPolicy.deleteMany({});
  await db.authenticationMethodPolicy.deleteMany({});
});

async function groupWith(...userIds: string[]) {
  const group = await db.group.create({ data: { name: unique("group") } });
  if (userIds.length) await db.groupMember.createMany({ data: userIds.map((userId) => ({ groupId: group.id, userId })) });
  return group.id;
}

async function policy(input: Partial<ConditionalAccessPolicyInput> & { name: string }) {
  const result = await saveConditionalAccessPolicy({
    db,
    actor: admin,
    input: { state: "on", includeAllUsers: false, includeGroupIds: [], excludeGroupIds: [], resources: ["Security info"], grant: "requireMfa", ...input },
  });
  if (!result.ok) throw new Error(result.reason);
  return result.policyId;
}

async function policyResults(upn: string) {
  const signIn = await db.signIn.findFirstOrThrow({ where: { upn }, orderBy: { createdAt: "desc" }, include: { policyResults: true } });
  return { signIn, results: Object.fromEntries(signIn.policyResults.map((r) => [r.policyName, { result: r.result, detail: r.detail }])) };
}

describe("Conditional Access at sign-in", () => {
  it("with no policy keeps today's behaviour and records no policy result", async () => {
    const user = await makeUser();
    const result = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    expect(result.outcome).toBe("complete");
    expect((await policyResults(user.upn)).signIn.policyResults).toEqual([]);
  });

  it("refuses a blocked user with a clear message, records every policy's result, and lets others in", async () => {
    const blocked = await makeUser();
    const other = await makeUser();
    const group = await groupWith(blocked.id);
    await policy({ name: unique("Block "), grant: "block", includeGroupIds: [group] });
    await policy({ name: "Report MFA", state: "reportOnly", includeAllUsers: true });

    const refused = await checkPasswordStep({ db, upn: blocked.upn, password: blocked.password, callbackUrl: "/mysecurityinfo", client });
    expect(refused).toEqual({ outcome: "failed", message: expect.stringMatching(/Conditional Access policy blocks you from signing in to Security info/) });
    const { signIn, results } = await policyResults(blocked.upn);
    expect(signIn).toMatchObject({ status: "failure", failureReason: expect.stringMatching(/^Blocked by Conditional Access policy Block /) });
    expect(Object.values(results)).toContainEqual({ result: "failure", detail: "Access blocked by this policy" });
    expect(results["Report MFA"]).toEqual({ result: "reportOnly", detail: "Report-only: would have required multi-factor authentication (not completed)" });
    expect(await db.pendingSignIn.count({ where: { userId: blocked.id } })).toBe(0);

    expect((await checkPasswordStep({ db, upn: other.upn, password: other.password, callbackUrl: "/mysecurityinfo", client })).outcome).toBe("complete");
    expect(Object.values((await policyResults(other.upn)).results)).toContainEqual({ result: "notApplied", detail: "User not included" });
  });

  it("tells a user in scope of require-MFA without a usable method to contact the helpdesk; an excluded member gets in", async () => {
    const user = await makeUser();
    const excluded = await makeUser();
    const staff = await groupWith(user.id, excluded.id);
    const exempt = await groupWith(excluded.id);
    await policy({ name: "Staff MFA", includeGroupIds: [staff], excludeGroupIds: [exempt] });

    expect(await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client })).toEqual({ outcome: "failed", message: NEEDS_METHOD_MESSAGE });
    expect((await policyResults(user.upn)).results["Staff MFA"]).toEqual({ result: "failure", detail: "Multi-factor authentication required; the user has no usable method" });

    expect((await checkPasswordStep({ db, upn: excluded.upn, password: excluded.password, callbackUrl: "/mysecurityinfo", client })).outcome).toBe("complete");
    expect((await policyResults(excluded.upn)).results["Staff MFA"]).toEqual({ result: "notApplied", detail: "User excluded" });
  });

  it("asks for MFA and turns Failure into Success once the code is right", async () => {
    const start = new Date("2026-11-12T09:00:00Z");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    await policy({ name: "MFA for all", includeAllUsers: true });
    await policy({ name: "Report block", includeAllUsers: true, state: "reportOnly", grant: "block" });
    const now = new Date(start.getTime() + 300_000);
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    if (first.outcome !== "mfaRequired") throw new Error(`expected MFA, got ${first.outcome}`);
    expect((await policyResults(user.upn)).results["MFA for all"]).toEqual({ result: "failure", detail: "Multi-factor authentication required, not completed" });

    expect(await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code: tokenCode(token, now), now })).toEqual({ outcome: "complete" });
    expect((await policyResults(user.upn)).results).toEqual({
      "MFA for all": { result: "success", detail: "Multi-factor authentication satisfied" },
      "Report block": { result: "reportOnly", detail: "Report-only: would have blocked access" },
    });
  });

  it("keeps the admin console's own MFA rule when no policy applies, for admins and others", async () => {
    const plain = await makeUser();
    expect(await checkPasswordStep({ db, upn: plain.upn, password: plain.password, callbackUrl: "/admin", client })).toEqual({ outcome: "failed", message: ADMIN_CONSOLE_NEEDS_METHOD_MESSAGE });
  });

  it("audits policy changes and refuses a duplicate name or a policy with no one in it", async () => {
    const id = await policy({ name: "Audited", includeAllUsers: true });
    expect(await saveConditionalAccessPolicy({ db, actor: admin, input: { name: "Audited", state: "on", includeAllUsers: true, includeGroupIds: [], excludeGroupIds: [], resources: ["Admin console"], grant: "block" } }))
      .toEqual({ ok: false, reason: 'A policy named "Audited" already exists. Choose another name.' });
    expect(await saveConditionalAccessPolicy({ db, actor: admin, input: { name: "Nobody", state: "on", includeAllUsers: false, includeGroupIds: [], excludeGroupIds: [], resources: ["Admin console"], grant: "block" } }))
      .toMatchObject({ ok: false, reason: expect.stringMatching(/All users or at least one group/) });
    expect(await db.conditionalAccessPolicy.count({ where: { name: "Nobody" } })).toBe(0);
    expect(await deleteConditionalAccessPolicy({ db, policyId: id, actor: admin })).toEqual({ ok: true, policyId: id });
    const events = await db.auditEvent.findMany({ where: { targetId: id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["Add conditional access policy", "Delete conditional access policy"]);
  });
});

describe("What if", () => {
  it("evaluates every policy for a user and resource like sign-in, without signing in", async () => {
    const user = await makeUser();
    const group = await groupWith(user.id);
    await policy({ name: "Group MFA", includeGroupIds: [group] });
    await policy({ name: "Admin block", includeAllUsers: true, grant: "block", resources: ["Admin console"], state: "reportOnly" });
    const before = await db.signIn.count({ where: { upn: user.upn } });

    const result = await whatIf({ db, upn: ` ${user.upn.toUpperCase()} `, resource: "Security info" });
    expect(result).toMatchObject({
      ok: true,
      outcome: "Multi-factor authentication required by Group MFA, and the user has no usable method: the sign-in would be refused until they register one.",
      lines: [
        { policyName: "Admin block", result: "Not applied: resource not included" },
        { policyName: "Group MFA", result: "Applies: require multi-factor authentication" },
      ],
    });
    expect(await whatIf({ db, upn: user.upn, resource: "Admin console" })).toMatchObject({
      ok: true,
      lines: [{ policyName: "Admin block", result: "Report-only: would block access" }, { policyName: "Group MFA", result: "Not applied: resource not included" }],
    });
    expect(await whatIf({ db, upn: "nobody@contoso.example", resource: "Security info" })).toMatchObject({ ok: false, reason: expect.stringMatching(/No user nobody@contoso.example/) });
    expect(await db.signIn.count({ where: { upn: user.upn } })).toBe(before);
  });
});

describe("authentication methods policy", () => {
  it("defaults to tokens and apps on, TAP and email off", async () => {
    const policy = await getAuthenticationMethodsPolicy({ db });
    expect(policy.hardwareOath).toMatchObject({ enabled: true, includeAllUsers: true, settings: { allowSelfActivation: true } });
    expect(policy.softwareOath.enabled).toBe(true);
    expect(policy.temporaryAccessPass).toMatchObject({ enabled: false, settings: METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings });
    expect(policy.email.enabled).toBe(false);
    expect(policy.passkey).toMatchObject({ enabled: true, includeAllUsers: true, settings: { allowSelfServiceSetup: true, enforceAttestation: false, keyRestrictions: "none" } });
  });

  it("a disabled method can't be used at sign-in or added in Security info", async () => {
    const user = await makeUser();
    await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
    const actor = await makeSecurityInfoActor(user);
    const onlyFor = await groupWith();
    expect(await saveMethodPolicy({ db, method: "hardwareOath", enabled: true, includeAllUsers: false, groupIds: [onlyFor], settings: { allowSelfActivation: true }, actor: systemActor })).toEqual({ ok: true });
    expect(await saveMethodPolicy({ db, method: "softwareOath", enabled: false, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor })).toEqual({ ok: true });

    expect((await listMfaMethods({ db, userId: user.id })).methods).toEqual([]);
    // With no usable method left, Security info sign-in is single-factor (no policy requires MFA).
    expect((await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client })).outcome).toBe("complete");
    // Passkeys are on for everyone until an admin saves their policy: the only method left to add.
    expect((await getSecurityInfo({ db, userId: user.id })).addableMethods).toEqual(["passkey"]);
    expect(await startAuthenticatorAppSetup({ db, actor, name: "Phone" })).toMatchObject({ ok: false, failure: SecurityInfoFailure.MethodDisabled, reason: expect.stringMatching(/Authenticator app/) });
    expect(await db.authenticatorApp.count({ where: { userId: user.id } })).toBe(0);

    // Back in scope: the token answers again.
    await db.groupMember.create({ data: { groupId: onlyFor, userId: user.id } });
    expect((await listMfaMethods({ db, userId: user.id })).methods).toHaveLength(1);
    const audit = await db.auditEvent.count({ where: { action: "Update authentication methods policy", targetId: "softwareOath" } });
    expect(audit).toBeGreaterThan(0);
  });

  it("without self-activation a user can't activate their token; the admin still can", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    const actor = await makeSecurityInfoActor(user);
    await saveMethodPolicy({ db, method: "hardwareOath", enabled: true, includeAllUsers: true, groupIds: [], settings: { allowSelfActivation: false }, actor: systemActor });
    const result = await selfActivateHardwareToken({ db, actor, serialNumber: token.serialNumber, friendlyName: "", code: tokenCode(token, new Date()) });
    expect(result).toMatchObject({ ok: false, failure: SecurityInfoFailure.MethodDisabled, reason: expect.stringMatching(/helpdesk/) });
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).status).toBe("assigned");
  });

  it("refuses impossible TAP lifetimes", async () => {
    const parsed = methodSettingsSchemas.temporaryAccessPass.safeParse({ minLifetimeMinutes: 120, maxLifetimeMinutes: 60, defaultLifetimeMinutes: 90, oneTimeUse: false, length: 8 });
    expect(parsed.success).toBe(false);
  });
});
