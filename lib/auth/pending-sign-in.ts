import crypto from "node:crypto";

/** How long the half-signed-in state lives (A1). */
export const PENDING_SIGN_IN_MINUTES = 5;

/** The browser holds a random handle; the database only its SHA-256, so a database read can't resume a sign-in. */
export function newSignInHandle(): { handle: string; handleHash: string } {
  const handle = crypto.randomBytes(32).toString("base64url");
  return { handle, handleHash: hashSignInHandle(handle) };
}

export function hashSignInHandle(handle: string): string {
  return crypto.createHash("sha256").update(handle).digest("base64url");
}
