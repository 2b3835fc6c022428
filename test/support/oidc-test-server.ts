import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import * as client from "openid-client";
import { authSecret } from "../../lib/auth/auth-secret";
import { startUserSession } from "../../lib/auth/user-session";
import { getDb } from "../../lib/db/client";
import { createOidcRequestHandler } from "../../lib/oidc/oidc-server";

/**
 * The OpenID Connect provider served over real HTTP exactly as lib/server/serve-portal.mjs serves it
 * (handleOidcRequest in a Node server); the Next.js pages aren't there, so a portal sign-in is
 * made the way /login ends one: a UserSession record and Auth.js's encrypted session cookie.
 */
export async function startOidcServer(options: { setIssuer?: boolean } = {}): Promise<{ origin: string; issuer: string; close: () => Promise<void> }> {
  process.env.PORTAL_PEER_STAMP ??= "oidc-test-stamp";
  const handleOidcRequest = createOidcRequestHandler();
  const server = http.createServer((request, response) => {
    request.headers["x-portal-peer"] = `${process.env.PORTAL_PEER_STAMP} ${request.socket.remoteAddress ?? ""}`;
    void handleOidcRequest(request, response).then((served) => {
      if (!served) {
        response.writeHead(404);
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  // A second instance serves the same issuer (the portal's configured address) as the first.
  if (options.setIssuer !== false) process.env.PORTAL_BASE_URL = origin;
  return { origin, issuer: `${process.env.PORTAL_BASE_URL}/oidc`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A portal sign-in of the user (with or without MFA) as the Auth.js session cookie the browser would hold. */
export async function portalSignIn(user: { id: string }, options: { mfa: boolean }): Promise<{ cookie: string; sessionId: string }> {
  const db = getDb();
  const now = new Date();
  const { sessionVersion } = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { sessionVersion: true } });
  const session = await startUserSession({ db, userId: user.id, mfaAt: options.mfa ? now : null, resource: "Security info", now });
  const name = "authjs.session-token";
  const value = await encode({ token: { uid: user.id, sid: session.id, sv: sessionVersion, end: session.expiresAt.getTime() }, secret: authSecret(), salt: name });
  return { cookie: `${name}=${value}`, sessionId: session.id };
}

/** A browser's cookie jar, just enough for the provider's own cookies (all paths sent everywhere). */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(public portalCookie: string | null = null) {}

  private header(): string {
    return [...(this.portalCookie ? [this.portalCookie] : []), ...[...this.cookies].map(([k, v]) => `${k}=${v}`)].join("; ");
  }

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: this.header() } });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...rest] = pair.split("=");
      const expired = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || rest.join("=") === "";
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), rest.join("="));
    }
    return response;
  }

  /**
   * Follows redirects from `url` until one leaves the provider (the app's redirect URI, or /login)
   * or a page is shown; returns that last response and its URL. With `sendTo`, each step goes to
   * that origin instead (another instance).
   */
  async follow(url: string, origin: string, sendTo = origin): Promise<{ url: string; response: Response }> {
    let current = url;
    for (let hop = 0; hop < 10; hop++) {
      const response = await this.get(current);
      const location = response.headers.get("location");
      if (!location || response.status < 300 || response.status >= 400) return { url: current, response };
      const next = new URL(location, current).toString();
      if (!next.startsWith(`${origin}/oidc`) && !next.startsWith(`${sendTo}/oidc`)) return { url: next, response };
      // sendTo: another instance of the same portal (the same issuer) gets the next step.
      current = next.replace(origin, sendTo);
    }
    throw new Error("Too many redirects");
  }
}

/** openid-client's configuration for an application of the test server (plain HTTP on localhost is allowed for tests only). */
export async function relyingParty(issuer: string, clientId: string, secret: string | null): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, secret ?? undefined, secret ? undefined : client.None(), { execute: [client.allowInsecureRequests] });
}

/** The Auth.js session cookie of a session a real sign-in opened (redeemSignInHandle's identity). */
export async function portalCookieOf(identity: { userId: string; sessionId: string; sessionVersion: number; sessionExpiresAt: number }): Promise<string> {
  const name = "authjs.session-token";
  const value = await encode({ token: { uid: identity.userId, sid: identity.sessionId, sv: identity.sessionVersion, end: identity.sessionExpiresAt }, secret: authSecret(), salt: name });
  return `${name}=${value}`;
}
