import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { createSignInRecord, addSignInStep } from "../../lib/audit/sign-in-log";
import { exportSignIns, getSignInDetail, listSignIns, signInLogQueryFromParams } from "../../lib/signin/sign-in-log-query";
import { signInsCsv, signInsJson } from "../../lib/signin/sign-in-log-query-export";
import { makeUser, unique } from "../support/factories";

const db = getDb();
const client = { ipAddress: "203.0.113.9", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36" };
const password = { method: "Password" as const, requirement: "primary" as const, resultDetail: "Correct password", succeeded: true };

/** A finished MFA sign-in with two steps and two policy results, at `at`. */
async function mfaSignIn(upn: string, userId: string | null, at: Date, resource: "Security info" | "Admin console" = "Admin console") {
  const id = await createSignInRecord({ db, upn, userId, resource, client, status: "interrupted", firstStep: password });
  await addSignInStep({
    db, signInId: id, status: "success", authRequirement: "multiFactor",
    step: { method: "OATH verification code", detail: "FT0001", requirement: "mfa", resultDetail: "MFA completed", succeeded: true },
  });
  await db.signInPolicyResult.createMany({
    data: [
      { signInId: id, policyName: "Require MFA for admins", result: "success", detail: "Require multifactor authentication" },
      { signInId: id, policyName: "Block legacy", result: "notApplied" },
    ],
  });
  await db.signIn.update({ where: { id }, data: { createdAt: at } });
  return id;
}

async function failedSignIn(upn: string, at: Date, failureReason = "Invalid username or password.") {
  const id = await createSignInRecord({ db, upn, userId: null, resource: "Security info", client, status: "failure", failureReason, firstStep: { ...password, resultDetail: "Wrong password", succeeded: false } });
  await db.signIn.update({ where: { id }, data: { createdAt: at } });
  return id;
}

describe("sign-in logs", () => {
  it("filters by user, status, resource and date range, newest first, and pages", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const first = await mfaSignIn(user.upn, user.id, new Date("2026-03-01T10:00:00Z"));
    const second = await failedSignIn(user.upn, new Date("2026-03-02T23:59:00Z"));
    const third = await mfaSignIn(user.upn, user.id, new Date("2026-03-05T08:00:00Z"), "Security info");
    await mfaSignIn(other.upn, other.id, new Date("2026-03-02T12:00:00Z"));

    const all = await listSignIns({ db, query: { user: user.upn } });
    expect(all.rows.map((r) => r.id)).toEqual([third, second, first]);
    expect(all.rows.map((r) => r.conditionalAccess)).toEqual(["success", "notApplied", "success"]);
    expect((await listSignIns({ db, query: { user: user.upn.toUpperCase() } })).total).toBe(3);
    expect((await listSignIns({ db, query: { user: user.upn, status: "failure" } })).rows.map((r) => r.id)).toEqual([second]);
    expect((await listSignIns({ db, query: { user: user.upn, resource: "Admin console" } })).rows.map((r) => r.id)).toEqual([first]);
    // Both ends are whole days, inclusive.
    expect((await listSignIns({ db, query: { user: user.upn, from: "2026-03-01", to: "2026-03-02" } })).rows.map((r) => r.id)).toEqual([second, first]);

    const page2 = await listSignIns({ db, query: { user: user.upn, pageSize: 25, page: 2 } });
    expect(page2.page).toBe(1); // clamped to the last page
    expect(page2.total).toBe(3);
  });

  it("reads filters from the URL and ignores malformed values", () => {
    expect(signInLogQueryFromParams({ user: "  alice ", status: "success", resource: "Admin console", from: "2026-02-01", to: "not a date", page: "2", pageSize: "50" })).toEqual({
      user: "alice", status: "success", resource: "Admin console", from: "2026-02-01", to: undefined, page: 2, pageSize: 50,
    });
    expect(signInLogQueryFromParams({ status: "hacked", resource: "x", page: "-1", pageSize: "7", from: "2026-13-45" })).toEqual({
      user: undefined, status: undefined, resource: undefined, from: undefined, to: undefined, page: undefined, pageSize: undefined,
    });
  });

  it("gives the detail of the three tabs: basic info, ordered steps and every policy result", async () => {
    const user = await makeUser();
    const id = await mfaSignIn(user.upn, user.id, new Date("2026-03-03T09:00:00Z"));
    const detail = await getSignInDetail({ db, id });
    expect(detail).toMatchObject({
      id, upn: user.upn, userId: user.id, user: { displayName: "Test User" }, resource: "Admin console", clientApp: "Browser",
      ipAddress: "203.0.113.9", browser: "Chrome on Windows", status: "success", authRequirement: "multiFactor", failureReason: null,
      applicationClientId: null, applicationName: null,
    });
    expect(detail!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(detail!.steps.map((s) => [s.position, s.method, s.detail, s.requirement, s.succeeded])).toEqual([
      [1, "Password", "", "primary", true],
      [2, "OATH verification code", "FT0001", "mfa", true],
    ]);
    expect(detail!.policyResults).toEqual([
      { policyName: "Block legacy", result: "notApplied", detail: "", authenticationStrength: null },
      { policyName: "Require MFA for admins", result: "success", detail: "Require multifactor authentication", authenticationStrength: null },
    ]);
    expect(await getSignInDetail({ db, id: "no-such-sign-in" })).toBeNull();
  });

  it("exports exactly the filtered set as CSV (formulas neutralised) and JSON", async () => {
    const upn = `${unique("=cmd")}@contoso.example`;
    const failed = await failedSignIn(upn, new Date("2026-03-04T10:00:00Z"), "=HYPERLINK(\"http://x\")");
    await mfaSignIn(upn, null, new Date("2026-03-04T11:00:00Z"));
    const rows = await exportSignIns({ db, query: { user: upn, status: "failure" } });
    expect(rows.map((r) => r.id)).toEqual([failed]);

    const csv = signInsCsv(rows).split("\r\n");
    expect(csv[0]).toBe("Date (UTC),Request ID,User,Username,Resource,Application ID,Client app,IP address,Browser,Status,Failure reason,Authentication requirement,Authentication details,Conditional Access");
    expect(csv).toHaveLength(3); // header, one row, trailing empty
    expect(csv[1]).toContain(`,'${upn},`);
    expect(csv[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv[1]).toContain("1. Password: failed - Wrong password");

    const json = JSON.parse(signInsJson(await exportSignIns({ db, query: { user: upn } })));
    expect(json).toHaveLength(2);
    expect(json[0]).toMatchObject({ userPrincipalName: upn, status: "success", createdDateTime: "2026-03-04T11:00:00.000Z", authenticationRequirement: "multiFactor" });
    expect(json[0].authenticationDetails.map((s: { method: string }) => s.method)).toEqual(["Password", "OATH verification code"]);
    expect(json[0].appliedConditionalAccessPolicies).toHaveLength(2);
  });

  it("filters by application (its client id) and the exports carry the application's id", async () => {
    const upn = `${unique("apps")}@contoso.example`;
    const [payroll, wiki] = [unique("payroll-client"), unique("wiki-client")];
    for (const [clientId, resource] of [[payroll, "Payroll"], [wiki, "Wiki"]]) {
      const id = await createSignInRecord({ db, upn, userId: null, resource, clientApp: "OpenID Connect", client: { ipAddress: "203.0.113.5", userAgent: "Vitest" }, status: "success", firstStep: { method: "Previously satisfied", requirement: "primary", resultDetail: "Existing session", succeeded: true } });
      await db.signIn.update({ where: { id }, data: { applicationClientId: clientId } });
    }
    const query = signInLogQueryFromParams({ user: upn, application: payroll });
    expect(query.application).toBe(payroll);
    const listed = await listSignIns({ db, query });
    expect(listed.rows.map((r) => r.resource)).toEqual(["Payroll"]);
    // The detail panel's application: its client id, and no name for an application that no longer exists.
    expect(await getSignInDetail({ db, id: listed.rows[0].id })).toMatchObject({ applicationClientId: payroll, applicationName: null });
    const exported = await exportSignIns({ db, query });
    expect(signInsCsv(exported).split("\r\n")[1]).toContain(`,Payroll,${payroll},OpenID Connect,`);
    expect(JSON.parse(signInsJson(exported))).toEqual([expect.objectContaining({ resourceDisplayName: "Payroll", appId: payroll })]);
    expect((await listSignIns({ db, query: signInLogQueryFromParams({ user: upn }) })).total).toBe(2);
  });
});
