import { EMAIL_CODE_METHOD } from "../methods/email-one-time-code";
import { TEMPORARY_ACCESS_PASS } from "../methods/temporary-access-pass";

/** A sign-in step as the sign-in log keeps it (only what decides the method references). */
export type AuthenticatedStep = { method: string; succeeded: boolean; userVerified?: boolean | null; backupEligible?: boolean | null };

/**
 * The Authentication Method References (RFC 8176) of a sign-in, from the steps it actually
 * passed, in the order first used:
 * - Password → `pwd`.
 * - A code from a hardware token, an authenticator app or an email → `otp` (each is a one-time
 *   password; RFC 8176 has no value for email).
 * - A Temporary Access Pass → `otp` as well. RFC 8176 has no value for it; it is a passcode issued
 *   for a short time (usually once) that stands in for the second method, so an app that reads
 *   `otp` as "a one-time code was entered" reads it right, and we don't invent a private value.
 * - A passkey / FIDO2 key → `hwk` when the key is device-bound, `swk` when it may be synced
 *   (backup eligible: its private key can leave the device); plus `user` when the authenticator
 *   verified the person (PIN or biometric; which one isn't reported).
 * - `mfa` when two kinds of factor were shown: something known (a password) and something held
 *   (a code or a key), or a passkey with user verification (the key plus its PIN or biometric).
 */
export function authenticationMethodReferences(steps: readonly AuthenticatedStep[]): string[] {
  const amr: string[] = [];
  const add = (value: string) => {
    if (!amr.includes(value)) amr.push(value);
  };
  let verifiedKey = false;
  for (const step of steps) {
    if (!step.succeeded) continue;
    if (step.method === "Password") add("pwd");
    else if (step.method === "OATH verification code" || step.method === EMAIL_CODE_METHOD || step.method === TEMPORARY_ACCESS_PASS) add("otp");
    else if (step.method === "Passkey") {
      add(step.backupEligible ? "swk" : "hwk");
      if (step.userVerified) {
        add("user");
        verifiedKey = true;
      }
    }
  }
  const known = amr.includes("pwd");
  const held = amr.some((value) => value === "otp" || value === "hwk" || value === "swk");
  if ((known && held) || verifiedKey) add("mfa");
  return amr;
}
