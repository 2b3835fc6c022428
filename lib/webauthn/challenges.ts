import crypto from "node:crypto";
import type { DatabaseOrTransaction } from "../db/client";

/** A passkey ceremony must finish this fast; the browser's own timeout is the same. */
export const CHALLENGE_MINUTES = 5;

export type ChallengePurpose = "registration" | "passwordless" | "secondStep" | "freshMfa";

/** What a challenge is bound to, hashed: the browser's session id, pending sign-in handle or nonce never sit in the table as such. */
export function bindingOf(value: string): string {
  return crypto.createHash("sha256").update(`webauthn:${value}`).digest("base64url");
}

/** Stores a fresh random challenge server-side and returns it (base64url) for the browser's options. */
export async function issueChallenge(options: { db: DatabaseOrTransaction; purpose: ChallengePurpose; boundTo: string; userId?: string; now: Date }): Promise<string> {
  const challenge = crypto.randomBytes(32).toString("base64url");
  await options.db.webAuthnChallenge.create({
    data: {
      challenge,
      purpose: options.purpose,
      boundTo: bindingOf(options.boundTo),
      userId: options.userId ?? null,
      expiresAt: new Date(options.now.getTime() + CHALLENGE_MINUTES * 60_000),
    },
  });
  return challenge;
}

/**
 * Uses up the challenge a browser's response carries, exactly once: it must exist, be unexpired,
 * unused, of this purpose and bound to the same session / pending sign-in / nonce (and user, when
 * one was bound). One conditional update, so two racing responses get one success. Returns the
 * challenge's user id (null when none was bound), or undefined when refused.
 */
export async function consumeChallenge(options: {
  db: DatabaseOrTransaction;
  challenge: string;
  purpose: ChallengePurpose;
  boundTo: string;
  now: Date;
}): Promise<{ userId: string | null } | undefined> {
  const where = { challenge: options.challenge, purpose: options.purpose, boundTo: bindingOf(options.boundTo), usedAt: null, expiresAt: { gt: options.now } };
  const claimed = await options.db.webAuthnChallenge.updateMany({ where, data: { usedAt: options.now } });
  if (claimed.count !== 1) return undefined;
  const row = await options.db.webAuthnChallenge.findUnique({ where: { challenge: options.challenge }, select: { userId: true } });
  return { userId: row?.userId ?? null };
}

/**
 * The challenge as bytes for the library's options: given a string it would encode the text
 * itself, and the browser would then sign a different value from the one stored.
 */
export function challengeBytes(challenge: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(challenge, "base64url"));
}

/** The challenge inside a response's clientDataJSON (the library checks it again against the one we consumed). */
export function challengeOfResponse(clientDataJSON: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as { challenge?: unknown };
    return typeof parsed.challenge === "string" && parsed.challenge.length <= 128 ? parsed.challenge : null;
  } catch {
    return null;
  }
}

/** Drops challenges that can no longer be used (called when new ones are issued). */
export async function sweepChallenges(options: { db: DatabaseOrTransaction; now: Date }): Promise<void> {
  await options.db.webAuthnChallenge.deleteMany({ where: { expiresAt: { lte: options.now } } });
}
