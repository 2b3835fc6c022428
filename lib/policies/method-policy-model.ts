import { z } from "zod";
import { PASSKEY_SETTINGS_DEFAULTS, passkeySettingsSchema } from "./passkey-policy-model";

/** The methods the authentication methods policy governs, in Entra's words. */
export const POLICY_METHODS = ["hardwareOath", "softwareOath", "passkey", "temporaryAccessPass", "email"] as const;
export type PolicyMethod = (typeof POLICY_METHODS)[number];

export const POLICY_METHOD_LABELS: Record<PolicyMethod, string> = {
  hardwareOath: "Hardware OATH tokens",
  softwareOath: "Authenticator app (software OATH)",
  passkey: "Passkey (FIDO2)",
  temporaryAccessPass: "Temporary Access Pass",
  email: "Email one-time code",
};

export function isPolicyMethod(value: string): value is PolicyMethod {
  return (POLICY_METHODS as readonly string[]).includes(value);
}

/** Settings per method. TAP lifetimes are in minutes; bounds are Entra's (10 minutes to 30 days, length 8–48). */
const TAP_MIN_MINUTES = 10;
const TAP_MAX_MINUTES = 30 * 24 * 60;
const minutes = z.coerce.number().int("Whole minutes only").min(TAP_MIN_MINUTES, `At least ${TAP_MIN_MINUTES} minutes`).max(TAP_MAX_MINUTES, "At most 30 days (43200 minutes)");

export const methodSettingsSchemas = {
  hardwareOath: z.object({ allowSelfActivation: z.boolean() }),
  softwareOath: z.object({}),
  temporaryAccessPass: z
    .object({
      minLifetimeMinutes: minutes,
      maxLifetimeMinutes: minutes,
      defaultLifetimeMinutes: minutes,
      oneTimeUse: z.boolean(),
      length: z.coerce.number().int("A whole number").min(8, "At least 8 characters").max(48, "At most 48 characters"),
    })
    .refine((s) => s.minLifetimeMinutes <= s.maxLifetimeMinutes, { message: "The minimum lifetime can't be longer than the maximum", path: ["minLifetimeMinutes"] })
    .refine((s) => s.defaultLifetimeMinutes >= s.minLifetimeMinutes && s.defaultLifetimeMinutes <= s.maxLifetimeMinutes, {
      message: "The default lifetime must lie between the minimum and the maximum",
      path: ["defaultLifetimeMinutes"],
    }),
  passkey: passkeySettingsSchema,
  email: z.object({}),
} as const;

export type MethodSettings = { [M in PolicyMethod]: z.infer<(typeof methodSettingsSchemas)[M]> };

/**
 * What a method is before an admin saves its policy. Hardware tokens and authenticator apps are
 * on for everyone (the portal's behaviour before the policy existed); TAP and email are off,
 * as in a new Entra tenant. Passkeys are on for everyone, self-service, without key restrictions
 * or attestation, so a portal whose admin never saved the policy offers them.
 */
export const METHOD_POLICY_DEFAULTS: { [M in PolicyMethod]: { enabled: boolean; settings: MethodSettings[M] } } = {
  hardwareOath: { enabled: true, settings: { allowSelfActivation: true } },
  softwareOath: { enabled: true, settings: {} },
  temporaryAccessPass: { enabled: false, settings: { minLifetimeMinutes: 60, maxLifetimeMinutes: 480, defaultLifetimeMinutes: 60, oneTimeUse: false, length: 8 } },
  passkey: { enabled: true, settings: PASSKEY_SETTINGS_DEFAULTS },
  email: { enabled: false, settings: {} },
};

/** One method's effective policy. */
export type MethodPolicy<M extends PolicyMethod = PolicyMethod> = {
  method: M;
  enabled: boolean;
  includeAllUsers: boolean;
  groups: { id: string; name: string }[];
  settings: MethodSettings[M];
};

/** Whether a method's policy lets a user with these groups use it (pure). */
export function methodEnabledFor(policy: Pick<MethodPolicy, "enabled" | "includeAllUsers" | "groups">, groupIds: readonly string[]): boolean {
  return methodEnabledForMember(policy, policy.groups.some((group) => groupIds.includes(group.id)));
}

/** The same rule when the database has already said whether the user is in one of the policy's groups. */
export function methodEnabledForMember(policy: Pick<MethodPolicy, "enabled" | "includeAllUsers">, inTargetedGroup: boolean): boolean {
  return policy.enabled && (policy.includeAllUsers || inTargetedGroup);
}
