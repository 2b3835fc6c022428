// Finding 8 through Auth.js's own session endpoint (GET /api/auth/session, the real handler): it
// re-issues the cookie on every call, but never past the absolute end fixed at sign-in, and it
// answers nothing for a signed-out session.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { revokeUserSession } from "../../lib/auth/user-session";
import { getDb } from "../../lib/db/client";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { makeUser } from "../support/factories";

const SECRET = "session-lifetime-test-secret-0123456789abcdef";
const COOKIE = "authjs.session-token";
const db = getDb();
let handlers: typeof import("../../auth").handlers;

beforeAll(async () => {
  process.env.AUTH_SECRET = SECRET;
  ({ handlers } = await import("../../auth"));
});
afterEach(() => {
  vi.useRealTimers();
});

/** Signs a user in through the real steps and returns the session cookie Auth.js would set. */
async function signedInCookie() {
  const user = await makeUser();
  const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.80", userAgent: "Vitest" } });
  if (step.outcome !== "complete") throw new Error(step.outcome);
  const identity = (await redeemSignInHandle({ db, handle: step.handle }))!;
  const token = { uid: identity.userId, sv: identity.sessionVersion, sid: identity.sessionId, end: identity.sessionExpiresAt };
  const value = await encode({ token, secret: SECRET, salt: COOKIE, maxAge: 30 * 24 * 3600 });
  return { identity, cookie: `${COOKIE}=${value}` };
}

async function readSession(cookie: string) {
  const response = await handlers.GET(new NextRequest("http://localhost:3000/api/auth/session", { headers: { cookie } }));
  return { body: (await response.json()) as { userId?: string; expires?: string } | null, setCookie: response.headers.get("set-cookie") ?? "" };
}

describe("the session endpoint and the absolute lifetime (finding 8)", () => {
  it("answers the session until its end — saying that end — and nothing after it, however often it was re-issued", async () => {
    const { identity, cookie } = await signedInCookie();
    const first = await readSession(cookie);
    expect(first.body?.userId).toBe(identity.userId);
    expect(new Date(first.body!.expires!).getTime()).toBe(identity.sessionExpiresAt);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(identity.sessionExpiresAt - 60_000);
    const late = await readSession(cookie);
    expect(late.body?.userId).toBe(identity.userId);
    expect(new Date(late.body!.expires!).getTime()).toBe(identity.sessionExpiresAt);

    vi.setSystemTime(identity.sessionExpiresAt + 1000);
    const after = await readSession(cookie);
    expect(after.body).toBeNull();
    // The cookie is cleared, not renewed.
    expect(after.setCookie).toMatch(new RegExp(`${COOKIE}=;`));
  });

  it("answers nothing for a signed-out session", async () => {
    const { identity, cookie } = await signedInCookie();
    expect((await readSession(cookie)).body?.userId).toBe(identity.userId);
    await revokeUserSession({ db, sessionId: identity.sessionId, now: new Date() });
    expect((await readSession(cookie)).body).toBeNull();
  });
});
