import { describe, expect, it } from "vitest";
import { evaluateConditionalAccess, withApplicationRequirements } from "../../../lib/conditional-access/evaluate-policies";
import { applicationResource, formatResources, formatResourceTargets, parseResources, parseResourceTargets, resourcesInclude, type ConditionalAccessPolicyRules, type ConditionalAccessResource } from "../../../lib/conditional-access/policy-model";
import { mfaSatisfiedResult, policyResultsFor } from "../../../lib/conditional-access/policy-results";

function policy(overrides: Partial<ConditionalAccessPolicyRules> & { name: string }): ConditionalAccessPolicyRules {
  return {
    id: overrides.name,
    state: "on",
    includeAllUsers: true,
    includeGroupIds: [],
    excludeGroupIds: [],
    resources: ["Security info", "Admin console"],
    grant: "requireMfa",
    ...overrides,
  };
}

const alice = { groupIds: ["staff"] };
const contractor = { groupIds: ["contractors", "staff"] };
const nobody = { groupIds: [] };

describe("Conditional Access evaluation", () => {
  it("with no policy asks nothing for Security info and always MFA for the admin console", () => {
    expect(evaluateConditionalAccess({ policies: [], subject: alice, resource: "Security info" })).toMatchObject({ outcome: "noRequirement", adminConsoleBaseline: false, policies: [] });
    expect(evaluateConditionalAccess({ policies: [], subject: alice, resource: "Admin console" })).toMatchObject({ outcome: "requireMfa", adminConsoleBaseline: true, mfaRequiredBy: [] });
  });

  it("applies an all-users require-MFA policy to everyone", () => {
    const decision = evaluateConditionalAccess({ policies: [policy({ name: "MFA for all" })], subject: nobody, resource: "Security info" });
    expect(decision).toMatchObject({ outcome: "requireMfa", mfaRequiredBy: ["MFA for all"], blockedBy: [] });
    expect(decision.policies).toEqual([{ policyId: "MFA for all", policyName: "MFA for all", state: "on", grant: "requireMfa", authenticationStrength: null, applies: true }]);
  });

  it("applies a group policy only to the group's members", () => {
    const policies = [policy({ name: "Staff MFA", includeAllUsers: false, includeGroupIds: ["staff"] })];
    expect(evaluateConditionalAccess({ policies, subject: alice, resource: "Security info" }).outcome).toBe("requireMfa");
    const outsider = evaluateConditionalAccess({ policies, subject: nobody, resource: "Security info" });
    expect(outsider.outcome).toBe("noRequirement");
    expect(outsider.policies[0]).toMatchObject({ applies: false, reason: "userNotIncluded" });
  });

  it("lets an excluded group win over an inclusion (all users or group)", () => {
    for (const include of [{ includeAllUsers: true }, { includeAllUsers: false, includeGroupIds: ["staff"] }]) {
      const policies = [policy({ name: "Not contractors", ...include, excludeGroupIds: ["contractors"] })];
      const excluded = evaluateConditionalAccess({ policies, subject: contractor, resource: "Security info" });
      expect(excluded.outcome).toBe("noRequirement");
      expect(excluded.policies[0]).toMatchObject({ applies: false, reason: "userExcluded" });
      expect(evaluateConditionalAccess({ policies, subject: alice, resource: "Security info" }).outcome).toBe("requireMfa");
    }
  });

  it("applies a policy only to the resources it names", () => {
    const policies = [policy({ name: "Block reset registration", grant: "block", resources: ["Password reset registration"] })];
    const other = evaluateConditionalAccess({ policies, subject: alice, resource: "Security info" });
    expect(other.outcome).toBe("noRequirement");
    expect(other.policies[0]).toMatchObject({ applies: false, reason: "resourceNotIncluded" });
    expect(evaluateConditionalAccess({ policies, subject: alice, resource: "Password reset registration" }).outcome).toBe("block");
  });

  it("targets one application, or all applications except one (exclusions win)", () => {
    const one = [policy({ name: "Block payroll", grant: "block", resources: ["app:payroll"] })];
    expect(evaluateConditionalAccess({ policies: one, subject: alice, resource: "app:payroll" }).outcome).toBe("block");
    expect(evaluateConditionalAccess({ policies: one, subject: alice, resource: "app:wiki" }).policies[0]).toMatchObject({ applies: false, reason: "resourceNotIncluded" });
    const allBut = [policy({ name: "MFA for apps", resources: ["All applications"], excludeResources: ["app:wiki"] })];
    expect(evaluateConditionalAccess({ policies: allBut, subject: alice, resource: "app:payroll" }).outcome).toBe("requireMfa");
    const wiki = evaluateConditionalAccess({ policies: allBut, subject: alice, resource: "app:wiki" });
    expect(wiki.outcome).toBe("noRequirement");
    expect(wiki.policies[0]).toMatchObject({ applies: false, reason: "resourceExcluded" });
  });

  it("stores excluded resources beside the included ones and reads both back", () => {
    const stored = formatResourceTargets(["All applications", "radius:abc123"], ["app:wiki"]);
    expect(stored).toBe("All applications,radius:abc123,exclude:app:wiki");
    expect(parseResourceTargets(stored)).toEqual({ resources: ["All applications", "radius:abc123"], excludeResources: ["app:wiki"] });
    // Code that reads only the included resources never mistakes an exclusion for one.
    expect(parseResources(stored)).toEqual(["All applications", "radius:abc123"]);
  });

  it("evaluates report-only policies without enforcing them", () => {
    const policies = [policy({ name: "Try block", state: "reportOnly", grant: "block" }), policy({ name: "Try MFA", state: "reportOnly" })];
    const decision = evaluateConditionalAccess({ policies, subject: alice, resource: "Security info" });
    expect(decision).toMatchObject({ outcome: "noRequirement", blockedBy: [], mfaRequiredBy: [] });
    expect(decision.policies.map((p) => p.applies)).toEqual([true, true]);
  });

  it("ignores a policy that is off", () => {
    const decision = evaluateConditionalAccess({ policies: [policy({ name: "Old block", state: "off", grant: "block" })], subject: alice, resource: "Security info" });
    expect(decision.outcome).toBe("noRequirement");
    expect(decision.policies[0]).toMatchObject({ applies: false, reason: "off" });
  });

  it("lets block win over require MFA, on every resource including the admin console", () => {
    const policies = [policy({ name: "MFA" }), policy({ name: "Block contractors", grant: "block", includeAllUsers: false, includeGroupIds: ["contractors"] })];
    for (const resource of ["Security info", "Admin console"] as const) {
      expect(evaluateConditionalAccess({ policies, subject: contractor, resource })).toMatchObject({ outcome: "block", blockedBy: ["Block contractors"], mfaRequiredBy: ["MFA"] });
      expect(evaluateConditionalAccess({ policies, subject: alice, resource })).toMatchObject({ outcome: "requireMfa", blockedBy: [] });
    }
  });

  it("requires MFA for the admin console even when every policy is excluded or report-only", () => {
    const policies = [policy({ name: "Excluded", excludeGroupIds: ["staff"], grant: "block" }), policy({ name: "Report", state: "reportOnly", grant: "block" })];
    expect(evaluateConditionalAccess({ policies, subject: alice, resource: "Admin console" })).toMatchObject({ outcome: "requireMfa", adminConsoleBaseline: true, blockedBy: [] });
  });
});

describe("Conditional Access results of a sign-in", () => {
  const policies = [
    policy({ name: "A MFA" }),
    policy({ name: "B block (report-only)", state: "reportOnly", grant: "block" }),
    policy({ name: "C MFA (report-only)", state: "reportOnly" }),
    policy({ name: "D off", state: "off" }),
    policy({ name: "E excluded", excludeGroupIds: ["staff"] }),
    policy({ name: "F excluded report-only", state: "reportOnly", excludeGroupIds: ["staff"] }),
    policy({ name: "G block", grant: "block", resources: ["Admin console"] }),
  ];

  it("gives every policy Success / Failure / Not applied / Report-only", () => {
    const decision = evaluateConditionalAccess({ policies, subject: alice, resource: "Security info" });
    const pending = policyResultsFor(decision, "pending");
    expect(pending).toEqual([
      { policyName: "A MFA", result: "failure", detail: "Multi-factor authentication required, not completed", authenticationStrength: null },
      { policyName: "B block (report-only)", result: "reportOnly", detail: "Report-only: would have blocked access", authenticationStrength: null },
      { policyName: "C MFA (report-only)", result: "reportOnly", detail: "Report-only: would have required multi-factor authentication (not completed)", authenticationStrength: null },
      { policyName: "D off", result: "notApplied", detail: "Policy is off", authenticationStrength: null },
      { policyName: "E excluded", result: "notApplied", detail: "User excluded", authenticationStrength: null },
      { policyName: "F excluded report-only", result: "reportOnly", detail: "Report-only: not applied (user excluded)", authenticationStrength: null },
      { policyName: "G block", result: "notApplied", detail: "Resource not included", authenticationStrength: null },
    ]);
    // Once MFA succeeds, the rows that waited for it turn to their final result; the rest stay.
    const satisfied = policyResultsFor(decision, "satisfied");
    expect(pending.map((row) => ({ ...row, ...(mfaSatisfiedResult(row) ?? {}) }))).toEqual(satisfied);
    expect(satisfied[0]).toMatchObject({ result: "success", detail: "Multi-factor authentication satisfied" });
  });

  it("marks a block as Failure and an unsatisfiable MFA as Failure with its reason", () => {
    const blocked = policyResultsFor(evaluateConditionalAccess({ policies, subject: alice, resource: "Admin console" }), "blocked");
    expect(blocked.find((r) => r.policyName === "G block")).toEqual({ policyName: "G block", result: "failure", detail: "Access blocked by this policy", authenticationStrength: null });
    expect(blocked.find((r) => r.policyName === "A MFA")).toMatchObject({ result: "failure", detail: "Multi-factor authentication not asked: access was blocked" });
    const noMethod = policyResultsFor(evaluateConditionalAccess({ policies: [policy({ name: "A MFA" })], subject: alice, resource: "Security info" }), "noUsableMethod");
    expect(noMethod).toEqual([{ policyName: "A MFA", result: "failure", detail: "Multi-factor authentication required; the user has no usable method", authenticationStrength: null }]);
  });
});

describe("applications as Conditional Access resources", () => {
  const policy = (resources: ConditionalAccessResource[]) => ({ id: "p", name: "P", state: "on" as const, includeAllUsers: true, includeGroupIds: [], excludeGroupIds: [], resources, grant: "block" as const });
  it("covers an application through All applications or its own app:<client id>, and no other", () => {
    const app = applicationResource("client-1");
    expect(resourcesInclude(["All applications"], app)).toBe(true);
    expect(resourcesInclude([app], app)).toBe(true);
    expect(resourcesInclude([applicationResource("client-2")], app)).toBe(false);
    expect(resourcesInclude(["All applications"], "Security info")).toBe(false);
    expect(evaluateConditionalAccess({ policies: [policy(["All applications"])], subject: { groupIds: [] }, resource: app }).outcome).toBe("block");
    expect(evaluateConditionalAccess({ policies: [policy(["Admin console"])], subject: { groupIds: [] }, resource: app }).outcome).toBe("noRequirement");
  });

  it("stores application resources after the portal's own, and reads them back", () => {
    const stored = formatResources([applicationResource("b"), "Admin console", applicationResource("a"), "All applications"]);
    expect(stored).toBe("Admin console,All applications,app:a,app:b");
    expect(parseResources(`${stored},app:bad id!,Unknown`)).toEqual(["Admin console", "All applications", "app:a", "app:b"]);
  });
});

describe("a portal sign-in on the way to an application takes on the application's requirements", () => {
  const policies = [
    policy({ name: "Passkey for payroll", resources: ["app:payroll"], grant: "requireAuthenticationStrength", authenticationStrength: "phishingResistantMfa" }),
    policy({ name: "Block payroll for contractors", resources: ["app:payroll"], grant: "block", includeAllUsers: false, includeGroupIds: ["contractors"] }),
    policy({ name: "Try passwordless", resources: ["app:payroll"], state: "reportOnly", grant: "requireAuthenticationStrength", authenticationStrength: "passwordlessMfa" }),
    policy({ name: "Staff MFA", resources: ["Security info"] }),
  ];
  const decide = (subject: { groupIds: string[] }) =>
    withApplicationRequirements(
      evaluateConditionalAccess({ policies, subject, resource: "Security info" }),
      evaluateConditionalAccess({ policies, subject, resource: applicationResource("payroll") }),
    );

  it("asks for the application's strength as well as the portal's MFA, each policy listed once as it applies", () => {
    const decision = decide(alice);
    expect(decision).toMatchObject({ outcome: "requireMfa", blockedBy: [], requiredStrengths: ["phishingResistantMfa"], mfaRequiredBy: ["Passkey for payroll", "Staff MFA"] });
    expect(decision.strengthRequiredBy).toEqual([{ policyName: "Passkey for payroll", strength: "phishingResistantMfa" }]);
    expect(decision.policies.map((p) => [p.policyName, p.applies])).toEqual([["Passkey for payroll", true], ["Block payroll for contractors", false], ["Try passwordless", true], ["Staff MFA", true]]);
  });

  it("never takes over the application's block (the application's entry refuses it), and is never weaker than the portal's decision", () => {
    const decision = decide(contractor);
    expect(decision.outcome).toBe("requireMfa");
    expect(decision.blockedBy).toEqual([]);
    expect(decision.policies.find((p) => p.policyName === "Block payroll for contractors")).toMatchObject({ applies: false, reason: "resourceNotIncluded" });
    const portalBlock = [policy({ name: "Block portal", grant: "block", resources: ["Security info"] })];
    const blocked = withApplicationRequirements(
      evaluateConditionalAccess({ policies: portalBlock, subject: alice, resource: "Security info" }),
      evaluateConditionalAccess({ policies: portalBlock, subject: alice, resource: applicationResource("payroll") }),
    );
    expect(blocked).toMatchObject({ outcome: "block", blockedBy: ["Block portal"] });
    const none = evaluateConditionalAccess({ policies: [], subject: alice, resource: "Security info" });
    expect(withApplicationRequirements(none, none)).toMatchObject({ outcome: "noRequirement", requiredStrengths: [] });
  });
});
