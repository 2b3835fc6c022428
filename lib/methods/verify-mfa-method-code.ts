import type { DatabaseOrTransaction } from "../db/client";
import type { SignInStepInput } from "../audit/sign-in-log";
import { verifyOathCode } from "../otp/verify-oath-code";
import type { MfaMethod } from "./authentication-methods";
import { EMAIL_CODE_METHOD, maskEmailAddress, verifyEmailOneTimeCode, type EmailCodeCheckResult } from "./email-one-time-code";

/**
 * Checks a code from one of the user's MFA methods with the engine that fits it: a token or app
 * code through verifyOathCode, an email code (sent first with Send code) through
 * verifyEmailOneTimeCode. Both share the replay rule and the per-user lockout; the result is
 * their common shape.
 */
export async function verifyMfaMethodCode(options: {
  db: DatabaseOrTransaction;
  userId: string;
  method: MfaMethod;
  code: unknown;
  now?: Date;
  /** where the code came from, for the audit log */
  ipAddress?: string;
}): Promise<EmailCodeCheckResult> {
  const { method, ...rest } = options;
  if (method.credential === null) return verifyEmailOneTimeCode({ ...rest, purpose: "signIn" });
  return verifyOathCode({ ...rest, credential: method.credential });
}

/** How the sign-in log names a code step of this method (product §3): "OATH verification code" or "Email code". */
export function signInStepOf(method: MfaMethod): Pick<SignInStepInput, "method" | "detail"> {
  if (method.credential === null) return { method: EMAIL_CODE_METHOD, detail: maskEmailAddress(method.label) };
  return { method: "OATH verification code", detail: method.type === "Hardware token" ? method.detail : method.label };
}
