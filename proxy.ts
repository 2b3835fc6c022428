import { NextResponse, type NextRequest } from "next/server";
import { isSameOrigin } from "./lib/auth/same-origin";

// Signed-in areas: a visitor without a session cookie is sent to sign in. This is a convenience
// only — every page, action and route handler checks the session and permission itself (W1).
const SIGNED_IN_AREAS = ["/mysecurityinfo", "/mysignins", "/admin"];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/** Builds the Content-Security-Policy for one response: scripts only from us or with this nonce (W3). */
function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Methods that change nothing: everything else must come from one of our own pages (W2). */
const SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // Server actions are POSTs to page URLs. Next.js refuses a foreign Origin itself, but with a
  // 500 and lets a missing one through; this answers both with a plain 403 before any action
  // runs. Route handlers under /api check the origin themselves (authorizeRoute).
  if (!SAFE_METHODS.includes(request.method) && !pathname.startsWith("/api/") && !isSameOrigin(request)) {
    return new NextResponse("Cross-site requests are not accepted. Open the portal's page and try again.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
    });
  }
  const signedInArea = SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`));
  if (signedInArea && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV !== "production");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("X-Frame-Options", "DENY");
  // Reset and sign-in pages carry one-time state in their flow: never leak the URL.
  response.headers.set("Referrer-Policy", pathname.startsWith("/passwordreset") ? "no-referrer" : "strict-origin-when-cross-origin");
  if (request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:") {
    response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  return response;
}

export const config = {
  // Static assets don't need a nonce; everything else (pages, actions, API) goes through here —
  // except the token upload (POST /api/token-imports): Next.js hands a proxy a copy of the request
  // body cut at 10 MB and gives the route that cut copy, so a bigger upload would arrive
  // truncated. The route checks its caller and origin itself; next.config.mjs gives it headers.
  // The automation API (/api/v1/) reads its own body with its own limit, answers JSON only, and
  // is called by scripts with a bearer token: it needs neither the nonce nor a copied body.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/token-imports(?!/)|api/v1/).*)"],
};
