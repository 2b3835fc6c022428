import { loadKey } from "../crypto/key-file";

/**
 * The secret Auth.js signs and encrypts the session cookie with: AUTH_SECRET when set (required
 * for several instances), otherwise a key generated under data/. The OpenID Connect provider reads
 * the same cookie outside Next.js (lib/oidc/portal-session.ts), so both take it from here.
 */
export function authSecret(): string {
  return process.env.AUTH_SECRET ?? loadKey({ envName: "PORTAL_AUTH_KEY", fileName: "auth.key" }).toString("base64");
}
