import { loadKeys, splitSecretList } from "../crypto/key-file";

/**
 * The secrets Auth.js signs and encrypts the session cookie with: AUTH_SECRET when set (required
 * for several instances), otherwise keys generated under data/. A list, newest first: the newest
 * seals new cookies, every one opens existing ones, so sessions survive a rotation. The OpenID
 * Connect provider reads the same cookie outside Next.js (lib/server/portal-session-cookie.ts), so
 * both take it from here.
 */
export function authSecret(): string[] {
  return process.env.AUTH_SECRET
    ? splitSecretList(process.env.AUTH_SECRET)
    : loadKeys({ envName: "PORTAL_AUTH_KEY", fileName: "auth.key" }).map((key) => key.toString("base64"));
}
