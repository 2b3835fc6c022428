import { loadKeys, splitSecretList } from "../crypto/key-file";
import { setting } from "../shared/config";

/**
 * The secrets Auth.js signs and encrypts the session cookie with: AUTH_SECRET when set (required
 * for several instances), otherwise keys generated under data/. A list, newest first: the newest
 * seals new cookies, every one opens existing ones, so sessions survive a rotation. The OpenID
 * Connect provider reads the same cookie outside Next.js (lib/server/portal-session-cookie.ts), so
 * both take it from here.
 */
export function authSecret(): string[] {
  const configured = setting("AUTH_SECRET");
  return configured
    ? splitSecretList(configured)
    : loadKeys({ envName: "PORTAL_AUTH_KEY", fileName: "auth.key" }).map((key) => key.toString("base64"));
}
