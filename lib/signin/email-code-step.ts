import type { Database } from "../db/client";
import { listMfaMethods } from "../methods/authentication-methods";
import { maskEmailAddress, sendEmailOneTimeCode } from "../methods/email-one-time-code";
import { SIGN_IN_EXPIRED_MESSAGE, openPendingMfa } from "./pending-mfa";

export type SendEmailCodeResult =
  | { outcome: "sent"; message: string }
  | { outcome: "expired"; message: string }
  | { outcome: "retry"; message: string };

/**
 * "Send code" at the code step: mails a sign-in code to the user's confirmed email method — only
 * for a pending sign-in that is still open (password checked, second factor waiting) and only to
 * a method the user holds and the policy allows now. A new code replaces the previous one.
 */
export async function sendSignInEmailCode(options: { db: Database; handle: string; methodId: string; now?: Date }): Promise<SendEmailCodeResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const pending = await openPendingMfa({ db, handle: options.handle, now });
  if (!pending) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  const { methods } = await listMfaMethods({ db, userId: pending.userId });
  const method = methods.find((m) => m.methodId === options.methodId);
  if (!method || method.credential !== null) return { outcome: "retry", message: "Choose one of your sign-in methods." };
  const sent = await sendEmailOneTimeCode({ db, userId: pending.userId, purpose: "signIn", now });
  if (!sent.ok) return { outcome: "retry", message: sent.reason === "limited" ? sent.message : "Email codes can't be used for this account now. Choose another way to sign in." };
  return { outcome: "sent", message: `We sent a code to ${maskEmailAddress(method.label)}. It may take a minute to arrive.` };
}
