// The security headers of the portal's JSON answers that don't pass through proxy.ts (the token
// upload and the automation API, whose bodies the proxy would copy, and POST /api/verify, answered
// before Next.js): no page, so nothing may load and nothing may frame it (W3). Plain JavaScript so
// next.config.mjs can read it as well as the TypeScript that answers requests itself.
export const JSON_API_SECURITY_HEADERS = Object.freeze({
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
});
