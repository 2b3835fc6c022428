import type { Database } from "../db/client";
import { ssprRegistrationStatus } from "../sspr/registration-interrupt";
import { hashSignInHandle } from "../auth/pending-sign-in";

/**
 * Where a completed sign-in goes: its callback URL, unless password reset wants the user to
 * register or re-confirm methods first — then "More information required", which carries the
 * callback URL on (skip, confirm and register all lead back to it).
 */
export async function destinationAfterSignIn(options: { db: Database; handle: string; callbackUrl: string; now?: Date }): Promise<string> {
  const pending = await options.db.pendingSignIn.findUnique({ where: { handleHash: hashSignInHandle(options.handle) }, select: { userId: true } });
  if (!pending) return options.callbackUrl;
  const status = await ssprRegistrationStatus({ db: options.db, userId: pending.userId, now: options.now });
  return status.due ? `/moreinformation?callbackUrl=${encodeURIComponent(options.callbackUrl)}` : options.callbackUrl;
}
