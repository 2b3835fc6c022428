/**
 * Entra's built-in authentication strengths, for the methods this portal has. A strength is a list
 * of allowed combinations; a sign-in satisfies it when the methods it completed include every
 * method of one combination (Entra's table, "Conditional Access authentication strength"):
 *
 * | Combination                                   | MFA | Passwordless MFA | Phishing-resistant MFA |
 * |-----------------------------------------------|-----|------------------|------------------------|
 * | Passkey (FIDO2)                               | yes | yes              | yes                    |
 * | Temporary Access Pass (one-time or multi-use) | yes |                  |                        |
 * | Password + hardware OATH / software OATH code | yes |                  |                        |
 * | Password + email code (this portal's own)     | yes |                  |                        |
 * | Password alone                                |     |                  |                        |
 *
 * Windows Hello, certificate-based authentication and Authenticator phone sign-in don't exist here.
 * Entra leaves email one-time passcodes out of strengths; this portal lets an email code answer
 * MFA at sign-in, so "Multifactor authentication" keeps meaning exactly what "Require multifactor
 * authentication" accepts (Entra's own definition of that strength).
 */

export const AUTHENTICATION_STRENGTHS = ["mfa", "passwordlessMfa", "phishingResistantMfa"] as const;
export type AuthenticationStrength = (typeof AUTHENTICATION_STRENGTHS)[number];

export const AUTHENTICATION_STRENGTH_LABELS: Record<AuthenticationStrength, string> = {
  mfa: "Multifactor authentication",
  passwordlessMfa: "Passwordless MFA",
  phishingResistantMfa: "Phishing-resistant MFA",
};

/** Graph's authenticationMethodModes names, for the methods this portal has. */
export const AUTHENTICATION_METHOD_MODES = ["password", "hardwareOath", "softwareOath", "email", "temporaryAccessPass", "passkey"] as const;
export type AuthenticationMethodMode = (typeof AUTHENTICATION_METHOD_MODES)[number];

export const AUTHENTICATION_METHOD_MODE_LABELS: Record<AuthenticationMethodMode, string> = {
  password: "Password",
  hardwareOath: "Hardware OATH token",
  softwareOath: "Software OATH token",
  email: "Email code",
  temporaryAccessPass: "Temporary Access Pass",
  passkey: "Passkey (FIDO2)",
};

const PASSWORD_PLUS_SECOND_FACTOR: AuthenticationMethodMode[][] = [
  ["password", "hardwareOath"],
  ["password", "softwareOath"],
  ["password", "email"],
];

/** The allowed combinations of each built-in strength. */
export const STRENGTH_COMBINATIONS: Record<AuthenticationStrength, readonly (readonly AuthenticationMethodMode[])[]> = {
  mfa: [["passkey"], ["temporaryAccessPass"], ...PASSWORD_PLUS_SECOND_FACTOR],
  passwordlessMfa: [["passkey"]],
  phishingResistantMfa: [["passkey"]],
};

export function isAuthenticationStrength(value: unknown): value is AuthenticationStrength {
  return typeof value === "string" && (AUTHENTICATION_STRENGTHS as readonly string[]).includes(value);
}

function isMethodMode(value: string): value is AuthenticationMethodMode {
  return (AUTHENTICATION_METHOD_MODES as readonly string[]).includes(value);
}

/** Whether the methods a sign-in (or session) completed satisfy one strength. */
export function satisfiesStrength(options: { strength: AuthenticationStrength; methods: readonly AuthenticationMethodMode[] }): boolean {
  return STRENGTH_COMBINATIONS[options.strength].some((combination) => combination.every((mode) => options.methods.includes(mode)));
}

/** The strengths among `strengths` that the completed methods don't satisfy (all must be met, as in Entra). */
export function unmetStrengths(options: { strengths: readonly AuthenticationStrength[]; methods: readonly AuthenticationMethodMode[] }): AuthenticationStrength[] {
  return options.strengths.filter((strength) => !satisfiesStrength({ strength, methods: options.methods }));
}

/** Whether adding one more method to those already completed would satisfy every strength. */
export function methodCompletesStrengths(options: { strengths: readonly AuthenticationStrength[]; completed: readonly AuthenticationMethodMode[]; method: AuthenticationMethodMode }): boolean {
  return unmetStrengths({ strengths: options.strengths, methods: [...options.completed, options.method] }).length === 0;
}

/** Method modes are stored comma-separated (no Json type on SQLite); unknown names are dropped. */
export function parseMethodModes(stored: string): AuthenticationMethodMode[] {
  return [...new Set(stored.split(",").map((m) => m.trim()).filter(isMethodMode))];
}

export function formatMethodModes(modes: readonly AuthenticationMethodMode[]): string {
  return AUTHENTICATION_METHOD_MODES.filter((mode) => modes.includes(mode)).join(",");
}

export function parseStrengths(stored: string): AuthenticationStrength[] {
  return [...new Set(stored.split(",").map((s) => s.trim()).filter(isAuthenticationStrength))];
}

export function formatStrengths(strengths: readonly AuthenticationStrength[]): string {
  return AUTHENTICATION_STRENGTHS.filter((strength) => strengths.includes(strength)).join(",");
}

/** The strictest of several strengths, for messages (each built-in strength's combinations contain the next one's). */
export function strictestStrength(strengths: readonly AuthenticationStrength[]): AuthenticationStrength | null {
  return [...AUTHENTICATION_STRENGTHS].reverse().find((strength) => strengths.includes(strength)) ?? null;
}

/**
 * What a person is told when the required strength needs a method they don't hold (Entra words
 * it the same way: which method, which resource, and where to add it).
 */
export function strengthNeedsMethodMessage(options: { strength: AuthenticationStrength; resource: string }): string {
  const where = options.resource === "Security info" ? "Ask your administrator for help." : "Add one at Security info (sign in there first), or ask your administrator.";
  return `You need a passkey to sign in to ${options.resource}: your organisation requires ${AUTHENTICATION_STRENGTH_LABELS[options.strength]} there. ${where}`;
}
