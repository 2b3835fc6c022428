import { COMMON_PASSWORDS } from "./common-passwords";
import { setting } from "../shared/config";

/** NIST SP 800-63B floor; the configured minimum can only raise it (R4). */
export const ABSOLUTE_MIN_PASSWORD_LENGTH = 8;
/** Far above the ≥ 64 R4 asks for; argon2 hashes it whole (no truncation). Bounds the hashing cost only. */
export const MAX_PASSWORD_LENGTH = 256;

/** The minimum length new passwords need: PASSWORD_MIN_LENGTH (at least 8), 12 when unset. */
export function minimumPasswordLength(): number {
  return setting("PASSWORD_MIN_LENGTH");
}

/**
 * Checks a new password against R4: long enough (counted in characters, not bytes), not
 * absurdly long, not a common password, and not containing the local part of the user's UPN.
 * No composition rules (NIST 800-63B). Returns the reason a person can act on, or null.
 */
export function newPasswordProblem(options: { password: string; upn: string; minLength?: number }): string | null {
  const { password } = options;
  const minLength = options.minLength ?? minimumPasswordLength();
  const length = [...password].length;
  if (length < minLength) return `Use at least ${minLength} characters. A few unrelated words make a long password that is easy to remember.`;
  if (length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower.trim())) return "This password is one of the most common ones and easy to guess. Choose another.";
  const localPart = options.upn.split("@")[0].toLowerCase();
  if (localPart.length >= 3 && lower.includes(localPart)) return "Don't use your user name in your password. Choose another.";
  return null;
}
