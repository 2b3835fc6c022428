import { setting } from "../shared/config";

/**
 * An absolute link into the portal for mail, built from the configured base URL (PORTAL_BASE_URL,
 * else AUTH_URL without Auth.js's /api/auth path) — never from the request's Host header, which a
 * client can set (R5). Without either, the local address `npm start` serves.
 */
export function portalUrl(path: string): string {
  const configured =
    setting("PORTAL_BASE_URL") || setting("AUTH_URL")?.replace(/\/api\/auth\/?$/, "") || `http://localhost:${setting("PORT")}`;
  return new URL(path.replace(/^\/+/, ""), configured.endsWith("/") ? configured : `${configured}/`).toString();
}
