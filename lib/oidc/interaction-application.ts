import type { DatabaseOrTransaction } from "../db/client";
import { OIDC_MOUNT_PATH } from "./issuer";

/** The interaction pages' paths (oidc-provider.ts interactions.url), with the query the interaction adds. */
const INTERACTION_PATH = new RegExp(`^${OIDC_MOUNT_PATH}/interaction/([A-Za-z0-9_-]{1,64})(?:\\?.*)?$`);

/** The sign-in's callback when it returns to an OpenID Connect interaction: the interaction's uid, else null. */
export function interactionUidOf(callbackUrl: string): string | null {
  return INTERACTION_PATH.exec(callbackUrl)?.[1] ?? null;
}

/**
 * The application a portal sign-in is on its way to, when its callback is an OpenID Connect
 * interaction that is still open: the client id comes from the interaction oidc-provider stored
 * (never from the browser), and the application must still exist. A callback naming someone
 * else's interaction gains nothing — the sign-in only has more to meet.
 */
export async function applicationOfSignInCallback(options: { db: DatabaseOrTransaction; callbackUrl: string; now?: Date }): Promise<{ clientId: string; name: string } | null> {
  const uid = interactionUidOf(options.callbackUrl);
  if (!uid) return null;
  const now = options.now ?? new Date();
  const row = await options.db.oidcPayload.findUnique({ where: { key: `Interaction:${uid}` }, select: { payload: true, expiresAt: true } });
  if (!row || (row.expiresAt && row.expiresAt <= now)) return null;
  let clientId: unknown;
  try {
    clientId = (JSON.parse(row.payload) as { params?: { client_id?: unknown } }).params?.client_id;
  } catch {
    return null;
  }
  if (typeof clientId !== "string" || !clientId) return null;
  return options.db.application.findUnique({ where: { clientId }, select: { clientId: true, name: true } });
}
