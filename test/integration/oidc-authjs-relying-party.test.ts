import fs from "node:fs";
import path from "node:path";
import { Auth, type AuthConfig } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { registerApplication } from "../../lib/oidc/applications";
import { makeUser, unique } from "../support/factories";
import { Browser, portalSignIn, startOidcServer } from "../support/oidc-test-server";

// The README's Next.js example, for real: the provider configuration is taken from the README's
// code block itself (so the example can't drift from what is tested) and handed to Auth.js's own
// core (`Auth()` from @auth/core, what NextAuth runs inside a Next.js app), which talks to the
// portal's provider over real HTTP: sign-in redirect, the portal's sign-in, the callback with the
// code, the token request, the ID token check, the session.
const APP = "http://localhost:8126";
let server: Awaited<ReturnType<typeof startOidcServer>>;

beforeAll(async () => {
  server = await startOidcServer();
});
afterAll(async () => {
  await server.close();
});

/** The README's "Protect a Next.js app" block, run with NextAuth replaced by a function that hands back its configuration. */
function readmeAuthConfig(issuer: string): AuthConfig {
  const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
  const block = /### Protect a Next\.js app \(Auth\.js\)\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("README has no Next.js example");
  const code = block[1]
    .replace(/^\/\/.*$/m, "")
    .replace('import NextAuth from "next-auth";', "")
    .replace("export const { handlers, auth, signIn, signOut } = NextAuth(", "return NextAuth(")
    .replace("https://portal.example/oidc", issuer);
  let captured: AuthConfig | null = null;
  new Function("NextAuth", "process", code)((config: AuthConfig) => (captured = config), process);
  if (!captured) throw new Error("The README's example didn't call NextAuth");
  return captured;
}

/** The app's cookie jar (its own: the app is another site than the portal). */
class AppCookies {
  private jar = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      const value = pair.slice(at + 1);
      if (value) this.jar.set(pair.slice(0, at), value);
      else this.jar.delete(pair.slice(0, at));
    }
  }
  header() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

describe("the README's Auth.js (Next.js) relying party", () => {
  it("signs a person in through the portal: redirect, sign-in, callback, ID token, session", async () => {
    const user = await makeUser();
    const registered = await registerApplication({ db: getDb(), input: { name: unique("Next.js app"), redirectUris: [`${APP}/api/auth/callback/portal`], assignmentRequired: false }, actor: systemActor, now: new Date() });
    if (!registered.ok) throw new Error(registered.reason);
    process.env.PORTAL_CLIENT_ID = registered.clientId;
    process.env.PORTAL_CLIENT_SECRET = registered.secret!;
    const profiles: Record<string, unknown>[] = [];
    const config: AuthConfig = {
      ...readmeAuthConfig(server.issuer),
      secret: "an Auth.js secret for the relying party in this test, not the portal's",
      trustHost: true,
      basePath: "/api/auth",
      // Only to look at what the app received; the provider configuration is the README's.
      callbacks: { jwt: ({ token, profile }) => (profile && profiles.push(profile as Record<string, unknown>), token) },
    };
    const cookies = new AppCookies();
    const app = async (pathAndQuery: string, init: RequestInit = {}) => {
      const response = await Auth(new Request(`${APP}${pathAndQuery}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: cookies.header() } }), config);
      cookies.take(response);
      return response;
    };

    // The app's "Sign in with Contoso portal" button: CSRF token, then the sign-in POST.
    const { csrfToken } = (await (await app("/api/auth/csrf")).json()) as { csrfToken: string };
    const start = await app("/api/auth/signin/portal", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ csrfToken, callbackUrl: `${APP}/dashboard` }) });
    expect(start.status).toBe(302);
    const authorization = new URL(start.headers.get("location")!);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${server.issuer}/auth`);
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("nonce")).toBeTruthy();
    expect(authorization.searchParams.get("scope")).toBe("openid profile email groups");

    // The browser at the portal, signed in there with a code: sent back to the app's callback.
    const browser = new Browser((await portalSignIn(user, { mfa: true })).cookie);
    const landed = await browser.follow(authorization.toString(), server.origin);
    expect(landed.url.startsWith(`${APP}/api/auth/callback/portal?`)).toBe(true);

    // The callback: Auth.js redeems the code, validates the ID token (issuer, audience, nonce, JWKS) and starts its session.
    const callback = await app(new URL(landed.url).pathname + new URL(landed.url).search);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`${APP}/dashboard`);
    const session = (await (await app("/api/auth/session")).json()) as { user?: { name?: string } };
    expect(session.user?.name).toBe(user.displayName ?? user.upn);
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ sub: user.id, preferred_username: user.upn, amr: ["pwd", "otp", "mfa"], groups: [] });
  });
});
