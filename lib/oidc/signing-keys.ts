import crypto from "node:crypto";
import os from "node:os";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { claimPeriodicJob } from "../operations/retention";

export const SIGNING_ALGORITHMS = ["ES256", "RS256"] as const;
type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** The longest any token signed by a key stays valid (ID tokens, JWT access tokens): a retired key stays published this long. */
export const RETIRED_KEY_PUBLISHED_SECONDS = 24 * 3600;

type PrivateJwk = crypto.JsonWebKey & { kid: string; alg: SigningAlgorithm; use: "sig" };

function makeKey(alg: SigningAlgorithm): PrivateJwk {
  const { privateKey } = alg === "ES256" ? crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }) : crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  const publicPart = crypto.createPublicKey(privateKey).export({ format: "jwk" });
  const kid = crypto.createHash("sha256").update(JSON.stringify(publicPart)).digest("base64url").slice(0, 22);
  return { ...jwk, kid, alg, use: "sig" };
}

function publicPart(jwk: PrivateJwk): crypto.JsonWebKey {
  const { kid, alg, use } = jwk;
  const pub = crypto.createPublicKey({ key: jwk, format: "jwk" }).export({ format: "jwk" });
  return { ...pub, kid, alg, use };
}

async function storeNewKey(db: DatabaseOrTransaction, alg: SigningAlgorithm, now: Date): Promise<void> {
  const jwk = makeKey(alg);
  await db.oidcSigningKey.create({
    data: { kid: jwk.kid, alg, publicJwk: JSON.stringify(publicPart(jwk)), sealedPrivateJwk: encryptSecret(Buffer.from(JSON.stringify(jwk))), createdAt: now },
  });
}

const FIRST_KEYS_JOB = "oidc-first-signing-keys";
const thisInstance = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/**
 * Makes the first key of each algorithm that has none, once across instances: two instances
 * starting together on a fresh database would otherwise each make a key and publish different
 * JWKS until their next key check. The one holding the claim makes them; the others wait for them.
 */
async function ensureCurrentKeys(db: Database, now: Date): Promise<void> {
  const missing = async () => {
    const found: SigningAlgorithm[] = [];
    for (const alg of SIGNING_ALGORITHMS) if ((await db.oidcSigningKey.count({ where: { alg, retiredAt: null } })) === 0) found.push(alg);
    return found;
  };
  // A claim left by an instance that died while making them runs out after 30 seconds.
  for (let attempt = 0; attempt < 250; attempt++) {
    if ((await missing()).length === 0) return;
    if (await claimPeriodicJob({ db, name: FIRST_KEYS_JOB, holder: thisInstance, forMs: 30_000, now: new Date() })) {
      try {
        for (const alg of await missing()) await storeNewKey(db, alg, now);
      } finally {
        await db.periodicJobClaim.updateMany({ where: { name: FIRST_KEYS_JOB, holder: thisInstance }, data: { claimedUntil: new Date(0) } });
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("The OpenID Connect signing keys were not created by the instance making them; try again.");
}

/**
 * The provider's signing keys: at first start one ES256 and one RS256 key are made and stored
 * (by one instance, see ensureCurrentKeys), the private parts sealed with the portal's secret key,
 * so every instance signs with the same keys. Returns the private JWKs oidc-provider signs with:
 * the current key of each algorithm first (it signs with the first matching key), then retired
 * keys still within their publication window (kept so their public parts stay in the JWKS until
 * tokens they signed have expired).
 */
export async function loadSigningKeys(options: { db: Database; now: Date }): Promise<PrivateJwk[]> {
  const { db, now } = options;
  await ensureCurrentKeys(db, now);
  const publishedSince = new Date(now.getTime() - RETIRED_KEY_PUBLISHED_SECONDS * 1000);
  const rows = await db.oidcSigningKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: publishedSince } }] },
    orderBy: [{ createdAt: "desc" }, { kid: "asc" }],
  });
  const current = rows.filter((r) => r.retiredAt === null);
  const retired = rows.filter((r) => r.retiredAt !== null);
  return [...current, ...retired].map((r) => JSON.parse(decryptSecret(r.sealedPrivateJwk).toString("utf8")) as PrivateJwk);
}

/**
 * Rotation (`npm run oidc:rotate-keys`, or the button in Enterprise applications): a new key of each
 * algorithm becomes current; the previous ones are retired but stay in the JWKS for
 * RETIRED_KEY_PUBLISHED_SECONDS, so ID tokens they signed still verify. Instances pick the new keys
 * up when they next load them (at start, and within a minute). Audited in the same transaction.
 */
export async function rotateSigningKeys(options: { db: Database; actor: AuditActor; now: Date }): Promise<{ ok: true; retired: string[]; created: string[] }> {
  const { now } = options;
  return options.db.$transaction(async (db) => {
    const before = await db.oidcSigningKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
    await db.oidcSigningKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: now } });
    for (const alg of SIGNING_ALGORITHMS) await storeNewKey(db, alg, now);
    const after = await db.oidcSigningKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
    const result = { retired: before.map((k) => k.kid), created: after.map((k) => k.kid) };
    await writeAuditEvent({ db, actor: options.actor, action: "Rotate signing keys", target: { type: "oidcSigningKeys", id: "oidc", label: "OpenID Connect signing keys" }, details: { created: result.created.join(" "), retired: result.retired.join(" ") } });
    return { ok: true as const, ...result };
  });
}

/** The keys the JWKS publishes, for the admin console: current ones first, then retired ones still published. */
export async function listSigningKeys(options: { db: DatabaseOrTransaction; now: Date }): Promise<{ kid: string; alg: string; createdAt: Date; retiredAt: Date | null }[]> {
  const publishedSince = new Date(options.now.getTime() - RETIRED_KEY_PUBLISHED_SECONDS * 1000);
  const rows = await options.db.oidcSigningKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: publishedSince } }] },
    orderBy: [{ createdAt: "desc" }, { kid: "asc" }],
    select: { kid: true, alg: true, createdAt: true, retiredAt: true },
  });
  return [...rows.filter((r) => r.retiredAt === null), ...rows.filter((r) => r.retiredAt !== null)];
}
