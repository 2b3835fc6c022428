// Read by the OpenID Connect provider, which runs outside Next.js (lib/server/serve-portal.mjs loads
// it with tsx): no "server-only" marker here, which would throw outside the react-server bundles.
import type { IncomingMessage } from "node:http";
import { getToken } from "next-auth/jwt";
import type { DatabaseOrTransaction } from "../db/client";
import { authSecret } from "../auth/auth-secret";
import { openUserSession, type OpenUserSession } from "../auth/user-session";

export type PortalSession = OpenUserSession & { createdAt: Date; upn: string; displayName: string };

/**
 * The portal session behind a plain Node request's Auth.js cookie, checked exactly as every page
 * checks it (lib/auth/current-user.ts): the session record open, the user enabled, no temporary
 * password pending, the session version unchanged (Sign out everywhere). The OpenID Connect
 * provider runs outside Next.js's request handling and reads the session through this, so an app
 * sign-in is the portal session — signed out there, it is signed out here.
 */
export async function portalSessionOfRequest(options: { db: DatabaseOrTransaction; request: IncomingMessage; now: Date }): Promise<PortalSession | null> {
  const secret = authSecret();
  const req = { headers: options.request.headers as Record<string, string> };
  let token: Record<string, unknown> | null = null;
  for (const secureCookie of [false, true]) {
    try {
      token = (await getToken({ req, secret, secureCookie })) as Record<string, unknown> | null;
    } catch {
      token = null;
    }
    if (token) break;
  }
  if (!token || typeof token.uid !== "string" || typeof token.sid !== "string") return null;
  return portalSessionById({ db: options.db, userId: token.uid, sessionId: token.sid, sessionVersion: token.sv, now: options.now });
}

/** The open portal session with this id, or null (see portalSessionOfRequest). */
export async function portalSessionById(options: { db: DatabaseOrTransaction; userId: string; sessionId: string; sessionVersion?: unknown; now: Date }): Promise<PortalSession | null> {
  const { db } = options;
  const [user, session, record] = await Promise.all([
    db.user.findUnique({ where: { id: options.userId }, select: { upn: true, displayName: true, enabled: true, mustChangePassword: true, sessionVersion: true } }),
    openUserSession({ db, sessionId: options.sessionId, userId: options.userId, now: options.now }),
    db.userSession.findUnique({ where: { id: options.sessionId }, select: { createdAt: true } }),
  ]);
  if (!user || !session || !record || !user.enabled || user.mustChangePassword) return null;
  if (options.sessionVersion !== undefined && user.sessionVersion !== options.sessionVersion) return null;
  return { ...session, createdAt: record.createdAt, upn: user.upn, displayName: user.displayName };
}
