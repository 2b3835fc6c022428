import { presentsBearerToken } from "../shared/bearer-token";
import { setting } from "../shared/config";

/**
 * The key relying services (VPN and RADIUS gateways) present to the verification API, from
 * `VERIFY_API_KEY`. Unset or blank: the API is switched off (its route answers 404).
 */
export function verificationApiKey(): string | null {
  return setting("VERIFY_API_KEY") ?? null;
}

/** Whether an `Authorization: Bearer <key>` header carries the configured key (constant-time). */
export function presentsVerificationApiKey(authorization: string | null, key: string): boolean {
  return presentsBearerToken(authorization, key);
}
