import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authSecret } from "./lib/auth/auth-secret";
import { logger } from "./lib/shared/logger";
import { getDb } from "./lib/db/client";
import { redeemSignInHandle } from "./lib/signin/redeem-sign-in";
import { openUserSession, revokeUserSession, sessionMaxHours } from "./lib/auth/user-session";

/**
 * The cookie never outlives the session's absolute lifetime (SESSION_MAX_HOURS); Auth.js re-issues
 * it on use, so the jwt callback ends it at the end fixed at sign-in, and the data access layer
 * checks the session's server-side record (revocation, the same end) on every request.
 */
const SESSION_HOURS = sessionMaxHours();

const secret = authSecret();

/**
 * Auth.js holds the session only. The sign-in steps (password, code) run in lib/signin and end
 * with a one-time handle; the Credentials provider redeems it, so a session can't be created
 * without a completed, unexpired, unused pending sign-in (A1).
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_HOURS * 3600 },
  pages: { signIn: "/login" },
  // Auth.js writes its own multi-line console output; the portal's logger keeps one JSON line per
  // event with the request id. A cookie that doesn't decrypt (forged, from another key, cut short)
  // is the client's problem, answered as "signed out": a warning, without a stack.
  logger: {
    error(error) {
      const type = (error as { type?: string }).type ?? error.name;
      if (type === "JWTSessionError") logger().warn({ event: "auth.session-cookie-refused", type }, "A session cookie could not be read; the request is treated as signed out");
      else logger().error({ event: "auth.error", type, err: error }, "Auth.js reported an error");
    },
    warn(code) {
      logger().warn({ event: "auth.warning", code }, "Auth.js warning");
    },
    debug() {},
  },
  providers: [
    Credentials({
      id: "pending-sign-in",
      credentials: { handle: {} },
      async authorize(credentials) {
        const parsed = z.object({ handle: z.string().min(20).max(100) }).safeParse(credentials);
        if (!parsed.success) throw new CredentialsSignin();
        const identity = await redeemSignInHandle({ db: getDb(), handle: parsed.data.handle });
        if (!identity) throw new CredentialsSignin();
        return {
          id: identity.userId,
          name: identity.displayName,
          email: identity.upn,
          sessionVersion: identity.sessionVersion,
          sessionId: identity.sessionId,
          sessionExpiresAt: identity.sessionExpiresAt,
        };
      },
    }),
  ],
  events: {
    // Sign out (the portal's button or Auth.js's own endpoint) revokes the session itself, so a
    // copy of the cookie taken before is refused too (A6).
    async signOut(message) {
      const sessionId = "token" in message ? message.token?.sid : undefined;
      if (typeof sessionId === "string") await revokeUserSession({ db: getDb(), sessionId, now: new Date() });
    },
  },
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sv = user.sessionVersion;
        token.sid = user.sessionId;
        token.end = user.sessionExpiresAt;
      }
      // Past its absolute end, signed out, or from before sessions had a record: the cookie is
      // dropped, however often /api/auth/session re-issued it.
      if (typeof token.sid !== "string" || typeof token.uid !== "string" || typeof token.end !== "number") return null;
      if (user) return token;
      // An unreachable database is not a signed-out session: Auth.js would swallow the error and
      // answer "no session", sending a signed-in person to the sign-in page. The token stays; every
      // page and action re-reads the session record itself (lib/server/current-user.ts) and shows
      // the "can't reach its database" page while the database is away.
      const open = await openUserSession({ db: getDb(), sessionId: token.sid, userId: token.uid, now: new Date() }).catch(() => "database unreachable" as const);
      return open ? token : null;
    },
    session({ session, token }) {
      return Object.assign(session, {
        // jwt() returned null for a token without these, so none reaches here.
        expires: new Date(token.end ?? 0).toISOString(),
        userId: token.uid,
        sessionVersion: token.sv,
        sessionId: token.sid,
      });
    },
  },
});
