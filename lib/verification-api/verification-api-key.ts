import crypto from "node:crypto";

/**
 * The key relying services (VPN and RADIUS gateways) present to the verification API, from
 * `VERIFY_API_KEY`. Unset or blank: the API is switched off (its route answers 404).
 */
export function verificationApiKey(): string | null {
  const key = process.env.VERIFY_API_KEY?.trim();
  return key ? key : null;
}

/**
 * Whether an `Authorization: Bearer <key>` header carries the configured key. Both sides are
 * hashed first so the comparison is constant-time whatever the lengths (timingSafeEqual needs
 * equal lengths, and an early length check would tell the key's length).
 */
export function presentsVerificationApiKey(authorization: string | null, key: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) return false;
  const digest = (value: string) => crypto.createHash("sha256").update(value).digest();
  return crypto.timingSafeEqual(digest(presented), digest(key));
}
