import { describe, expect, it } from "vitest";
import {
  AUTHENTICATION_METHOD_MODES, AUTHENTICATION_STRENGTHS, formatMethodModes, methodCompletesStrengths, parseMethodModes, parseStrengths,
  satisfiesStrength, strengthNeedsMethodMessage, strictestStrength, unmetStrengths, type AuthenticationMethodMode, type AuthenticationStrength,
} from "../../../lib/conditional-access/authentication-strength";
import { evaluateConditionalAccess } from "../../../lib/conditional-access/evaluate-policies";
import type { ConditionalAccessPolicyRules } from "../../../lib/conditional-access/policy-model";
import { mfaSatisfiedResult, policyResultsFor, strengthDetail } from "../../../lib/conditional-access/policy-results";

// Entra's table for the methods this portal has: which completed combinations meet which built-in strength.
const TABLE: { methods: AuthenticationMethodMode[]; mfa: boolean; passwordlessMfa: boolean; phishingResistantMfa: boolean }[] = [
  { methods: ["passkey"], mfa: true, passwordlessMfa: true, phishingResistantMfa: true },
  { methods: ["password", "passkey"], mfa: true, passwordlessMfa: true, phishingResistantMfa: true },
  { methods: ["temporaryAccessPass"], mfa: true, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["password", "temporaryAccessPass"], mfa: true, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["password", "hardwareOath"], mfa: true, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["password", "softwareOath"], mfa: true, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["password", "email"], mfa: true, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["password"], mfa: false, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["hardwareOath"], mfa: false, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: ["email"], mfa: false, passwordlessMfa: false, phishingResistantMfa: false },
  { methods: [], mfa: false, passwordlessMfa: false, phishingResistantMfa: false },
];

describe("authentication strengths (Entra's built-in table)", () => {
  for (const row of TABLE) {
    for (const strength of AUTHENTICATION_STRENGTHS) {
      it(`${row.methods.join(" + ") || "nothing"} ${row[strength] ? "meets" : "doesn't meet"} ${strength}`, () => {
        expect(satisfiesStrength({ strength, methods: row.methods })).toBe(row[strength]);
      });
    }
  }

  it("needs every required strength met, and names the unmet ones", () => {
    const strengths: AuthenticationStrength[] = ["mfa", "phishingResistantMfa"];
    expect(unmetStrengths({ strengths, methods: ["password", "hardwareOath"] })).toEqual(["phishingResistantMfa"]);
    expect(unmetStrengths({ strengths, methods: ["password", "passkey"] })).toEqual([]);
    expect(methodCompletesStrengths({ strengths, completed: ["password"], method: "passkey" })).toBe(true);
    expect(methodCompletesStrengths({ strengths, completed: ["password"], method: "temporaryAccessPass" })).toBe(false);
    expect(methodCompletesStrengths({ strengths: [], completed: ["password"], method: "email" })).toBe(true);
    expect(strictestStrength(["mfa", "passwordlessMfa"])).toBe("passwordlessMfa");
    expect(strictestStrength([])).toBeNull();
  });

  it("stores method modes and strengths as text, dropping unknown names", () => {
    expect(parseMethodModes("password, passkey,bogus,password")).toEqual(["password", "passkey"]);
    expect(formatMethodModes(["passkey", "password"])).toBe("password,passkey");
    expect(parseMethodModes(formatMethodModes([...AUTHENTICATION_METHOD_MODES]))).toEqual([...AUTHENTICATION_METHOD_MODES]);
    expect(parseStrengths("phishingResistantMfa,,nope")).toEqual(["phishingResistantMfa"]);
  });

  it("tells a person what to register, and where", () => {
    expect(strengthNeedsMethodMessage({ strength: "phishingResistantMfa", resource: "Admin console" })).toBe(
      "You need a passkey to sign in to Admin console: your organisation requires Phishing-resistant MFA there. Add one at Security info (sign in there first), or ask your administrator.",
    );
  });
});

describe("Conditional Access with an authentication strength", () => {
  const rules = (overrides: Partial<ConditionalAccessPolicyRules> & { name: string }): ConditionalAccessPolicyRules => ({
    id: overrides.name, state: "on", includeAllUsers: true, includeGroupIds: [], excludeGroupIds: [], resources: ["Security info"],
    grant: "requireAuthenticationStrength", authenticationStrength: "phishingResistantMfa", ...overrides,
  });

  it("requires MFA and lists the strength; report-only strengths are not enforced", () => {
    const decision = evaluateConditionalAccess({
      policies: [rules({ name: "Phish" }), rules({ name: "Try passwordless", state: "reportOnly", authenticationStrength: "passwordlessMfa" }), rules({ name: "Plain MFA", grant: "requireMfa" })],
      subject: { groupIds: [] },
      resource: "Security info",
    });
    expect(decision).toMatchObject({ outcome: "requireMfa", mfaRequiredBy: ["Phish", "Plain MFA"], requiredStrengths: ["phishingResistantMfa"], strengthRequiredBy: [{ policyName: "Phish", strength: "phishingResistantMfa" }] });
    expect(decision.policies.map((p) => p.authenticationStrength)).toEqual(["phishingResistantMfa", "passwordlessMfa", null]);
  });

  it("a block still wins over a strength", () => {
    const decision = evaluateConditionalAccess({ policies: [rules({ name: "Phish" }), rules({ name: "Block", grant: "block" })], subject: { groupIds: [] }, resource: "Security info" });
    expect(decision.outcome).toBe("block");
  });

  it("writes the strength and its result on each policy's line, and settles pending lines by the methods used", () => {
    const decision = evaluateConditionalAccess({
      policies: [rules({ name: "Phish" }), rules({ name: "Report MFA strength", state: "reportOnly", authenticationStrength: "mfa" })],
      subject: { groupIds: [] },
      resource: "Security info",
    });
    const pending = policyResultsFor(decision, "pending", ["password"]);
    expect(pending).toEqual([
      { policyName: "Phish", result: "failure", detail: strengthDetail("pending", "phishingResistantMfa"), authenticationStrength: "phishingResistantMfa" },
      { policyName: "Report MFA strength", result: "reportOnly", detail: strengthDetail("reportOnlyPending", "mfa"), authenticationStrength: "mfa" },
    ]);
    // A token code later: the phishing-resistant line stays a failure, the report-only MFA strength says it would have been met.
    expect(mfaSatisfiedResult(pending[0], ["password", "hardwareOath"])).toBeNull();
    expect(mfaSatisfiedResult(pending[1], ["password", "hardwareOath"])).toEqual({ result: "reportOnly", detail: strengthDetail("reportOnlySatisfied", "mfa") });
    // A passkey: satisfied.
    expect(mfaSatisfiedResult(pending[0], ["password", "passkey"])).toEqual({ result: "success", detail: 'Requires authentication strength "Phishing-resistant MFA": satisfied' });
    expect(policyResultsFor(decision, "noUsableMethod", ["password"])[0]).toMatchObject({ result: "failure", detail: strengthDetail("noUsableMethod", "phishingResistantMfa") });
    expect(policyResultsFor(decision, "blocked", ["password"])[0]).toMatchObject({ result: "failure", detail: strengthDetail("blocked", "phishingResistantMfa") });
    const reportOnlyPhish = evaluateConditionalAccess({ policies: [rules({ name: "Report phish", state: "reportOnly" })], subject: { groupIds: [] }, resource: "Security info" });
    expect(policyResultsFor(reportOnlyPhish, "satisfied", ["password", "email"])[0]).toMatchObject({ result: "reportOnly", detail: strengthDetail("reportOnlyNotSatisfied", "phishingResistantMfa") });
  });
});
