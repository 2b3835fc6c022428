import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { loadKeys, splitSecretList } from "../crypto/key-file";
import { getDb } from "../db/client";
import { redeemSignInHandle } from "../signin/redeem-sign-in";

/** Session lifetime; the DAL also re-checks the session version on every request. */
const SESSION_HOURS = 8;

// Auth.js signs and encrypts the JWT session cookie with these secrets: AUTH_SECRET when set
// (required for several instances), otherwise keys generated under data/. A list, newest first:
// the newest seals new cookies, every one opens existing ones, so sessions survive a rotation.
const secret = process.env.AUTH_SECRET
  ? splitSecretList(process.env.AUTH_SECRET)
  : loadKeys({ envName: "PORTAL_AUTH_KEY", fileName: "auth.key" }).map((key) => key.toString("base64"));

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
          mfaAt: identity.mfaAt,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        const signedIn = user as { id: string; sessionVersion: number; mfaAt: number | null };
        token.uid = signedIn.id;
        token.sv = signedIn.sessionVersion;
        token.mfaAt = signedIn.mfaAt;
      }
      return token;
    },
    session({ session, token }) {
      return Object.assign(session, {
        userId: token.uid as string,
        sessionVersion: token.sv as number,
        mfaAt: (token.mfaAt as number | null) ?? null,
      });
    },
  },
});
