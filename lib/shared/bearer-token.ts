import crypto from "node:crypto";

/**
 * Whether an `Authorization: Bearer <token>` header carries the expected token. Both sides are
 * hashed first so the comparison is constant-time whatever the lengths (timingSafeEqual needs
 * equal lengths, and an early length check would tell the token's length).
 */
export function presentsBearerToken(authorization: string | null, expected: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) return false;
  const digest = (value: string) => crypto.createHash("sha256").update(value).digest();
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}
