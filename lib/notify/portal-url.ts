/**
 * An absolute link into the portal for mail, built from the configured base URL (PORTAL_BASE_URL,
 * else AUTH_URL without Auth.js's /api/auth path) — never from the request's Host header, which a
 * client can set (R5). Without either, the local address `npm start` serves.
 */
export function portalUrl(path: string): string {
  const configured =
    process.env.PORTAL_BASE_URL?.trim() ||
    process.env.AUTH_URL?.trim().replace(/\/api\/auth\/?$/, "") ||
    `http://localhost:${process.env.PORT ?? 3000}`;
  return new URL(path.replace(/^\/+/, ""), configured.endsWith("/") ? configured : `${configured}/`).toString();
}
