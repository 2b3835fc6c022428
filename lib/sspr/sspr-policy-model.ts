import { z } from "zod";
import { isAdmin } from "../auth/permissions";

/** The methods self-service password reset can count, in Entra's words. */
export const SSPR_METHODS = ["hardwareOath", "softwareOath", "email"] as const;
export type SsprMethod = (typeof SSPR_METHODS)[number];

export const SSPR_METHOD_LABELS: Record<SsprMethod, string> = {
  hardwareOath: "Hardware token code",
  softwareOath: "Authenticator app code",
  email: "Email code",
};

export function isSsprMethod(value: string): value is SsprMethod {
  return (SSPR_METHODS as readonly string[]).includes(value);
}

export const SSPR_SCOPES = ["none", "selected", "all"] as const;
export type SsprScope = (typeof SSPR_SCOPES)[number];
export const SSPR_SCOPE_LABELS: Record<SsprScope, string> = { none: "None", selected: "Selected", all: "All" };

/** Entra's bound for "number of days before users are asked to re-confirm" (0 = never). */
export const MAX_RECONFIRM_DAYS = 730;
/** Holders of any admin role always need two methods, whatever the setting (Entra's admin policy). */
export const ADMIN_METHODS_REQUIRED = 2;

/**
 * The password reset settings. Parsing refuses impossible combinations with a reason a person
 * can act on: a selected scope without a group, or fewer counted methods than required.
 */
export const ssprPolicySchema = z
  .object({
    enabledFor: z.enum(SSPR_SCOPES, { message: "Choose None, Selected or All" }),
    groupId: z.string().max(64).nullable(),
    methodsRequired: z.coerce.number().int("Choose 1 or 2").min(1, "Choose 1 or 2").max(2, "Choose 1 or 2"),
    methods: z.array(z.enum(SSPR_METHODS, { message: "Choose methods from the list" })).max(SSPR_METHODS.length),
    requireRegistration: z.boolean(),
    reconfirmDays: z.coerce
      .number({ message: "Enter a number of days" })
      .int("Whole days only")
      .min(0, "0 (never) or more")
      .max(MAX_RECONFIRM_DAYS, `At most ${MAX_RECONFIRM_DAYS} days`),
    notifyUsers: z.boolean(),
    notifyAdmins: z.boolean(),
  })
  .refine((policy) => policy.enabledFor !== "selected" || !!policy.groupId, {
    message: "Choose the group password reset is enabled for, or choose All or None.",
    path: ["groupId"],
  })
  .refine((policy) => new Set(policy.methods).size === policy.methods.length, { message: "Each method once only", path: ["methods"] })
  .refine((policy) => policy.methods.length >= policy.methodsRequired, {
    message: "Allow at least as many methods as are required to reset: with 2 required, tick at least two methods.",
    path: ["methods"],
  });

export type SsprPolicy = z.infer<typeof ssprPolicySchema>;

/** Until an admin saves it, password reset is off (as in a new Entra tenant), with Entra's other defaults. */
export const SSPR_POLICY_DEFAULTS: SsprPolicy = {
  enabledFor: "none",
  groupId: null,
  methodsRequired: 1,
  methods: ["hardwareOath", "softwareOath"],
  requireRegistration: true,
  reconfirmDays: 180,
  notifyUsers: true,
  notifyAdmins: true,
};

/** Whether the policy covers a user in these groups (pure). */
export function ssprEnabledFor(policy: SsprPolicy, groupIds: readonly string[]): boolean {
  if (policy.enabledFor === "all") return true;
  return policy.enabledFor === "selected" && policy.groupId !== null && groupIds.includes(policy.groupId);
}

/** How many different methods a user must prove: the setting, or two for any admin-role holder. */
export function ssprMethodsRequiredFor(policy: SsprPolicy, roles: readonly string[]): number {
  return isAdmin(roles) ? ADMIN_METHODS_REQUIRED : policy.methodsRequired;
}
