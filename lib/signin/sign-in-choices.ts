import type { AuthenticationMethodMode } from "../conditional-access/authentication-strength";
import type { MfaMethod } from "../methods/authentication-methods";
import { TEMPORARY_ACCESS_PASS } from "../methods/temporary-access-pass";

/** A way to answer the second step: one of the user's methods, their passkeys, or their Temporary Access Pass. */
export type SignInChoice = Pick<MfaMethod, "methodId" | "prompt"> & { type: MfaMethod["type"] | typeof TEMPORARY_ACCESS_PASS | "Passkey" };

/** The authentication method mode (Graph's name) a sign-in choice completes, for authentication strengths. */
export function methodModeOf(type: SignInChoice["type"]): AuthenticationMethodMode {
  switch (type) {
    case "Hardware token": return "hardwareOath";
    case "Authenticator app": return "softwareOath";
    case "Email": return "email";
    case "Passkey": return "passkey";
    case TEMPORARY_ACCESS_PASS: return "temporaryAccessPass";
  }
}
