import { startUserSession } from "../auth/user-session";
import { isConditionalAccessResource } from "../conditional-access/policy-model";
import type { Database } from "../db/client";
import { hashSignInHandle } from "../auth/pending-sign-in";

export type SignedInIdentity = {
  userId: string;
  upn: string;
  displayName: string;
  sessionVersion: number;
  /** when this sign-in completed MFA (epoch ms), or null for a single-factor sign-in */
  mfaAt: number | null;
  callbackUrl: string;
  /** the server-side session this sign-in opened (its cookie carries the id) */
  sessionId: string;
  /** the session's absolute end (epoch ms) */
  sessionExpiresAt: number;
};

/**
 * Turns a completed pending sign-in into a session identity, exactly once (A1): the conditional
 * update marks it consumed, so a replayed handle — or one whose MFA never finished — gets null.
 * Opens the session's server-side record with the sign-in's MFA time and resource.
 */
export async function redeemSignInHandle(options: { db: Database; handle: string; now?: Date }): Promise<SignedInIdentity | null> {
  const now = options.now ?? new Date();
  const handleHash = hashSignInHandle(options.handle);
  const claimed = await options.db.pendingSignIn.updateMany({
    where: { handleHash, stage: "complete", consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  if (claimed.count !== 1) return null;
  const pending = await options.db.pendingSignIn.findUnique({ where: { handleHash }, include: { user: true } });
  if (!pending || !pending.user.enabled) return null;
  const session = await startUserSession({
    db: options.db,
    userId: pending.userId,
    mfaAt: pending.mfaAt,
    resource: isConditionalAccessResource(pending.resource) ? pending.resource : "Security info",
    authMethods: pending.authMethods,
    now,
  });
  return {
    userId: pending.userId,
    upn: pending.user.upn,
    displayName: pending.user.displayName,
    sessionVersion: pending.user.sessionVersion,
    mfaAt: pending.mfaAt?.getTime() ?? null,
    callbackUrl: pending.callbackUrl,
    sessionId: session.id,
    sessionExpiresAt: session.expiresAt.getTime(),
  };
}
