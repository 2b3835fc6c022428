// The portal's own fields on Auth.js's user, JWT and session (auth.ts sets them), typed once here
// so no caller casts.
import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  /** What the pending-sign-in provider's authorize() returns. */
  interface User {
    sessionVersion?: number;
    sessionId?: string;
    /** the session's absolute end, in ms since the epoch */
    sessionExpiresAt?: number;
  }
  interface Session {
    userId?: string;
    sessionVersion?: number;
    sessionId?: string;
  }
}

declare module "next-auth/jwt" {
  /** The session cookie's claims: user id, session version, session id and absolute end (ms). */
  interface JWT {
    uid?: string;
    sv?: number;
    sid?: string;
    end?: number;
  }
}
