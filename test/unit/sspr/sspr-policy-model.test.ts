import { describe, expect, it } from "vitest";
import { SSPR_POLICY_DEFAULTS, ssprEnabledFor, ssprMethodsRequiredFor, ssprPolicySchema } from "../../../lib/sspr/sspr-policy-model";

const valid = { ...SSPR_POLICY_DEFAULTS, enabledFor: "all" as const };
const problems = (input: unknown) => {
  const parsed = ssprPolicySchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("password reset settings model", () => {
  it("accepts the defaults and a full two-method policy", () => {
    expect(problems(SSPR_POLICY_DEFAULTS)).toEqual([]);
    expect(problems({ ...valid, methodsRequired: "2", methods: ["hardwareOath", "email"], reconfirmDays: "730" })).toEqual([]);
    expect(ssprPolicySchema.parse({ ...valid, methodsRequired: "2", methods: ["hardwareOath", "email"] }).methodsRequired).toBe(2);
  });

  it("refuses fewer allowed methods than required, with the reason", () => {
    expect(problems({ ...valid, methodsRequired: 2, methods: ["hardwareOath"] })).toEqual([
      "methods: Allow at least as many methods as are required to reset: with 2 required, tick at least two methods.",
    ]);
    expect(problems({ ...valid, methodsRequired: 1, methods: [] })).toHaveLength(1);
  });

  it("refuses Selected without a group, and out-of-range numbers", () => {
    expect(problems({ ...valid, enabledFor: "selected", groupId: null })).toEqual([
      "groupId: Choose the group password reset is enabled for, or choose All or None.",
    ]);
    expect(problems({ ...valid, enabledFor: "selected", groupId: "g1" })).toEqual([]);
    expect(problems({ ...valid, methodsRequired: 3 })).toContain("methodsRequired: Choose 1 or 2");
    expect(problems({ ...valid, methodsRequired: 0 })).toEqual(["methodsRequired: Choose 1 or 2"]);
    expect(problems({ ...valid, reconfirmDays: 731 })).toEqual(["reconfirmDays: At most 730 days"]);
    expect(problems({ ...valid, reconfirmDays: -1 })).toEqual(["reconfirmDays: 0 (never) or more"]);
    expect(problems({ ...valid, reconfirmDays: 1.5 })).toEqual(["reconfirmDays: Whole days only"]);
    expect(problems({ ...valid, methods: ["hardwareOath", "hardwareOath"] })).toEqual(["methods: Each method once only"]);
    expect(problems({ ...valid, methods: ["temporaryAccessPass"] })).toEqual(["methods.0: Choose methods from the list"]);
    expect(problems({ ...valid, enabledFor: "some" })).toEqual(["enabledFor: Choose None, Selected or All"]);
  });

  it("scopes to nobody, one group or everyone", () => {
    expect(ssprEnabledFor({ ...valid, enabledFor: "none" }, ["g1"])).toBe(false);
    expect(ssprEnabledFor({ ...valid, enabledFor: "all" }, [])).toBe(true);
    expect(ssprEnabledFor({ ...valid, enabledFor: "selected", groupId: "g1" }, ["g0", "g1"])).toBe(true);
    expect(ssprEnabledFor({ ...valid, enabledFor: "selected", groupId: "g1" }, ["g2"])).toBe(false);
  });

  it("holds every admin-role holder to two methods, whatever the setting", () => {
    expect(ssprMethodsRequiredFor({ ...valid, methodsRequired: 1 }, [])).toBe(1);
    expect(ssprMethodsRequiredFor({ ...valid, methodsRequired: 1 }, ["Helpdesk Administrator"])).toBe(2);
    expect(ssprMethodsRequiredFor({ ...valid, methodsRequired: 1 }, ["Security Reader"])).toBe(2);
    expect(ssprMethodsRequiredFor({ ...valid, methodsRequired: 2 }, [])).toBe(2);
    expect(ssprMethodsRequiredFor({ ...valid, methodsRequired: 1 }, ["Not a role"])).toBe(1);
  });
});
