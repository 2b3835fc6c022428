import crypto from "node:crypto";
import type { DatabaseOrTransaction } from "../db/client";
import { RETIRED_KEY_PUBLISHED_SECONDS } from "../oidc/signing-keys";
import { oidcIssuer } from "../oidc/issuer";
import { apiAudience, PORTAL_SESSION_CLAIM } from "../oidc/api-permissions";

/** What a verified access token says. `clientId` is the application; `subject` the person (delegated) or the client (application). */
export type VerifiedAccessToken = { clientId: string; subject: string; scopes: string[]; delegated: boolean; expiresAt: Date; portalSessionId: string | null };

export type AccessTokenCheck = { ok: true; token: VerifiedAccessToken } | { ok: false; reason: string };

const ALGORITHMS: Record<string, { hash: string; dsaEncoding?: "ieee-p1363" }> = { RS256: { hash: "sha256" }, ES256: { hash: "sha256", dsaEncoding: "ieee-p1363" } };
/** Clock skew tolerated on exp/nbf/iat. */
const SKEW_SECONDS = 30;
const KEY_CACHE_MS = 60_000;

let cachedKeys: { at: number; keys: Map<string, { alg: string; key: crypto.KeyObject }> } | null = null;

/** The provider's published keys (current and recently retired), read from the database (cached a minute). */
async function publishedKeys(db: DatabaseOrTransaction, now: Date, refresh: boolean) {
  if (!refresh && cachedKeys && now.getTime() - cachedKeys.at < KEY_CACHE_MS) return cachedKeys.keys;
  const since = new Date(now.getTime() - RETIRED_KEY_PUBLISHED_SECONDS * 1000);
  const rows = await db.oidcSigningKey.findMany({ where: { OR: [{ retiredAt: null }, { retiredAt: { gt: since } }] }, select: { kid: true, alg: true, publicJwk: true } });
  const keys = new Map(rows.map((r) => [r.kid, { alg: r.alg, key: crypto.createPublicKey({ key: JSON.parse(r.publicJwk) as crypto.JsonWebKey, format: "jwk" }) }]));
  cachedKeys = { at: now.getTime(), keys };
  return keys;
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies a JWT access token of the portal's own OpenID Connect provider: the signature against
 * the provider's keys in the database (RS256 or ES256, never `none` or HMAC), `typ` at+jwt
 * (RFC 9068, so an ID token can't pass as an access token), the issuer, the audience (the API),
 * the expiry and not-before. Returns the client, subject and scopes; never throws for bad input.
 */
export async function verifyAccessToken(options: { db: DatabaseOrTransaction; token: string; now: Date }): Promise<AccessTokenCheck> {
  const { token, now } = options;
  const parts = token.split(".");
  if (token.length > 8192 || parts.length !== 3) return { ok: false, reason: "The access token is not a JWT." };
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (!header || !claims) return { ok: false, reason: "The access token is not a JWT." };
  const alg = typeof header.alg === "string" ? ALGORITHMS[header.alg] : undefined;
  if (!alg || typeof header.kid !== "string") return { ok: false, reason: "The access token is not signed with a key this portal uses." };
  if (typeof header.typ !== "string" || !/^(application\/)?at\+jwt$/i.test(header.typ)) return { ok: false, reason: "The token is not an access token." };
  let key = (await publishedKeys(options.db, now, false)).get(header.kid);
  // A key made since the cache was filled (rotation on another instance).
  key ??= (await publishedKeys(options.db, now, true)).get(header.kid);
  if (!key || key.alg !== header.alg) return { ok: false, reason: "The access token is not signed with a key this portal uses." };
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], "base64url");
  const valid = crypto.verify(alg.hash, signed, alg.dsaEncoding ? { key: key.key, dsaEncoding: alg.dsaEncoding } : key.key, signature);
  if (!valid) return { ok: false, reason: "The access token's signature is not valid." };
  if (claims.iss !== oidcIssuer()) return { ok: false, reason: "The access token was issued by another issuer." };
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(apiAudience())) return { ok: false, reason: `The access token is not for this API: request it with resource=${apiAudience()}.` };
  const seconds = now.getTime() / 1000;
  if (typeof claims.exp !== "number" || claims.exp + SKEW_SECONDS < seconds) return { ok: false, reason: "The access token has expired. Get a new one." };
  if (typeof claims.nbf === "number" && claims.nbf - SKEW_SECONDS > seconds) return { ok: false, reason: "The access token is not valid yet." };
  if (typeof claims.client_id !== "string" || typeof claims.sub !== "string") return { ok: false, reason: "The access token has no client or subject." };
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [];
  // Client credentials: oidc-provider sets sub to the client id; a person's token has their user id.
  const delegated = claims.sub !== claims.client_id;
  const portalSessionId = typeof claims[PORTAL_SESSION_CLAIM] === "string" ? claims[PORTAL_SESSION_CLAIM] : null;
  return { ok: true, token: { clientId: claims.client_id, subject: claims.sub, scopes, delegated, expiresAt: new Date(claims.exp * 1000), portalSessionId } };
}
