// The automation API's access-token check on the real database: tokens signed here with the
// provider's own stored keys (so the signature is right) and one claim wrong at a time — issuer,
// audience, expiry, not-before, type, algorithm, key — each refused with its reason. Without these,
// only a forged signature was ever tested, and a check that ignored `aud` or `exp` would pass.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { encryptSecret } from "../../lib/crypto/secret-box";
import { verifyAccessToken } from "../../lib/api/access-token";
import { apiAudience } from "../../lib/oidc/api-permissions";
import { oidcIssuer } from "../../lib/oidc/issuer";
import { loadSigningKeys, RETIRED_KEY_PUBLISHED_SECONDS } from "../../lib/oidc/signing-keys";

const db = getDb();
type Jwk = crypto.JsonWebKey & { kid: string; alg: string };
let es256: Jwk;
let rs256: Jwk;
const extraKids: string[] = [];

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function sign(jwk: Jwk, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${part({ alg: jwk.alg, typ: "at+jwt", kid: jwk.kid, ...header })}.${part(claims)}`;
  const key = crypto.createPrivateKey({ key: jwk, format: "jwk" });
  const signature = jwk.alg === "ES256" ? crypto.sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }) : crypto.sign("sha256", Buffer.from(input), key);
  return `${input}.${signature.toString("base64url")}`;
}

function claims(now: Date, overrides: Record<string, unknown> = {}) {
  const seconds = Math.floor(now.getTime() / 1000);
  return { iss: oidcIssuer(), aud: apiAudience(), client_id: "automation-client", sub: "automation-client", scope: "AuditLog.Read.All", iat: seconds, exp: seconds + 3600, ...overrides };
}

async function check(token: string, now = new Date()) {
  return verifyAccessToken({ db, token, now });
}

/** A key row of our own (not the provider's current ones), retired at `retiredAt`. */
async function storedRetiredKey(retiredAt: Date): Promise<Jwk> {
  const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = `test-${crypto.randomBytes(6).toString("hex")}`;
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "ES256" };
  const publicJwk = { ...crypto.createPublicKey(privateKey).export({ format: "jwk" }), kid, alg: "ES256", use: "sig" };
  await db.oidcSigningKey.create({ data: { kid, alg: "ES256", publicJwk: JSON.stringify(publicJwk), sealedPrivateJwk: encryptSecret(Buffer.from(JSON.stringify(jwk))), createdAt: new Date(retiredAt.getTime() - 86_400_000), retiredAt } });
  extraKids.push(kid);
  return jwk;
}

beforeAll(async () => {
  const keys = (await loadSigningKeys({ db, now: new Date() })) as Jwk[];
  es256 = keys.find((k) => k.alg === "ES256")!;
  rs256 = keys.find((k) => k.alg === "RS256")!;
});

afterAll(async () => {
  await db.oidcSigningKey.deleteMany({ where: { kid: { in: extraKids } } });
});

describe("the automation API's access-token check", () => {
  it("accepts a token of the provider's current ES256 and RS256 keys, with its client, subject and scopes", async () => {
    const now = new Date();
    for (const key of [es256, rs256]) {
      expect(await check(sign(key, {}, claims(now)), now)).toMatchObject({ ok: true, token: { clientId: "automation-client", scopes: ["AuditLog.Read.All"], delegated: false } });
    }
    expect(await check(sign(es256, {}, claims(now, { sub: "user-1" })), now)).toMatchObject({ ok: true, token: { subject: "user-1", delegated: true } });
  });

  it("refuses another issuer, another audience (an app's own token), and a token without a client", async () => {
    const now = new Date();
    expect(await check(sign(es256, {}, claims(now, { iss: "https://login.other.example/oidc" })), now)).toEqual({ ok: false, reason: expect.stringContaining("issued by another issuer") });
    expect(await check(sign(es256, {}, claims(now, { aud: "automation-client" })), now)).toEqual({ ok: false, reason: expect.stringContaining("not for this API") });
    expect(await check(sign(es256, {}, claims(now, { aud: ["automation-client", "https://other.example/api"] })), now)).toEqual({ ok: false, reason: expect.stringContaining("not for this API") });
    expect(await check(sign(es256, {}, claims(now, { client_id: undefined })), now)).toEqual({ ok: false, reason: expect.stringContaining("no client") });
  });

  it("refuses an expired token past 30 seconds of clock skew, and one not valid yet", async () => {
    const now = new Date();
    const seconds = Math.floor(now.getTime() / 1000);
    expect((await check(sign(es256, {}, claims(now, { exp: seconds - 20 })), now)).ok).toBe(true);
    expect(await check(sign(es256, {}, claims(now, { exp: seconds - 31 })), now)).toEqual({ ok: false, reason: expect.stringContaining("expired") });
    expect(await check(sign(es256, {}, claims(now, { exp: undefined })), now)).toEqual({ ok: false, reason: expect.stringContaining("expired") });
    expect(await check(sign(es256, {}, claims(now, { nbf: seconds + 120 })), now)).toEqual({ ok: false, reason: expect.stringContaining("not valid yet") });
  });

  it("refuses an ID token (typ JWT), alg none, an HMAC token keyed with the public key, an unknown kid and a key used with the other algorithm", async () => {
    const now = new Date();
    expect(await check(sign(es256, { typ: "JWT" }, claims(now)), now)).toEqual({ ok: false, reason: "The token is not an access token." });
    const unsigned = `${part({ alg: "none", typ: "at+jwt", kid: es256.kid })}.${part(claims(now))}.`;
    expect((await check(unsigned, now)).ok).toBe(false);
    // The classic confusion: HS256 with the published public key as the HMAC secret.
    const publicPem = crypto.createPublicKey({ key: rs256, format: "jwk" }).export({ type: "spki", format: "pem" });
    const hsInput = `${part({ alg: "HS256", typ: "at+jwt", kid: rs256.kid })}.${part(claims(now))}`;
    const hs = `${hsInput}.${crypto.createHmac("sha256", publicPem).update(hsInput).digest("base64url")}`;
    expect(await check(hs, now)).toEqual({ ok: false, reason: expect.stringContaining("not signed with a key this portal uses") });
    const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const stranger = { ...privateKey.export({ format: "jwk" }), kid: "someone-elses-key", alg: "ES256" };
    expect(await check(sign(stranger, {}, claims(now)), now)).toEqual({ ok: false, reason: expect.stringContaining("not signed with a key this portal uses") });
    expect(await check(sign(stranger, { kid: es256.kid }, claims(now)), now)).toEqual({ ok: false, reason: expect.stringContaining("signature is not valid") });
    expect(await check(sign(es256, { alg: "RS256" }, claims(now)), now)).toEqual({ ok: false, reason: expect.stringContaining("not signed with a key this portal uses") });
  });

  it("accepts a key retired within the publication window and refuses one retired before it", async () => {
    const now = new Date();
    const recent = await storedRetiredKey(new Date(now.getTime() - 3600_000));
    const old = await storedRetiredKey(new Date(now.getTime() - (RETIRED_KEY_PUBLISHED_SECONDS + 3600) * 1000));
    expect((await check(sign(recent, {}, claims(now)), now)).ok).toBe(true);
    expect(await check(sign(old, {}, claims(now)), now)).toEqual({ ok: false, reason: expect.stringContaining("not signed with a key this portal uses") });
  });

  it("refuses what is not a JWT, and an oversized token, without throwing", async () => {
    for (const token of ["", "abc", "a.b", "a.b.c.d", "!!!.###.$$$", `${part({ alg: "ES256" })}.${part(["array"])}.x`, "x".repeat(9000)]) {
      expect((await check(token)).ok).toBe(false);
    }
  });
});
