/**
 * Whether a state-changing request comes from a page of this portal (W2): its Origin names the
 * host the browser addressed (a proxy's X-Forwarded-Host first). A missing Origin and the opaque
 * `null` origin (sandboxed frames, some redirects) are refused: browsers send a real Origin on
 * every POST our own pages make.
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return false;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
