import crypto from "node:crypto";
import { keyId, loadKeys } from "./key-file";
import { fingerprintWithKey, sealWithKey } from "./seal-primitives.mjs";

// Token and app seeds are encrypted at rest with AES-256-GCM (S4). The keys live outside the
// database: PORTAL_SECRET_KEY, or data/secret.key for the embedded default — a list, newest first
// (README, Key rotation). The newest seals; a sealed value names the key that sealed it, so every
// key still listed opens what it sealed while `npm run keys:rotate` re-seals under the newest.
export const SECRET_KEY_SOURCE = { envName: "PORTAL_SECRET_KEY", fileName: "secret.key" } as const;

type SealingKey = { id: string; key: Buffer };
let cachedKeys: SealingKey[] | undefined;
function sealingKeys(): SealingKey[] {
  cachedKeys ??= loadKeys(SECRET_KEY_SOURCE).map((key) => ({ id: keyId(key), key }));
  return cachedKeys;
}
function secretKey(): Buffer {
  return sealingKeys()[0].key;
}

/** The id of the key new values are sealed with, and the ids of every configured key (newest first). */
export function secretKeyIds(): { current: string; all: string[] } {
  const keys = sealingKeys();
  return { current: keys[0].id, all: keys.map((key) => key.id) };
}

/** Forgets the loaded keys, so the next use reads PORTAL_SECRET_KEY or the key file again (rotation, tests). */
export function reloadSecretKeys(): void {
  cachedKeys = undefined;
  purposeKeys.clear();
}

/** `v1:` values predate key ids (sealed under whichever key was configured then); `v2:<key id>:` name theirs. */
const LEGACY_VERSION = "v1";
const VERSION = "v2";

/** Which key sealed a value: its id, or null for a `v1:` value that doesn't record it. */
export function sealedKeyId(sealed: string): string | null {
  return sealed.startsWith(`${VERSION}:`) ? sealed.split(":")[1] : null;
}

/** The prefix every value sealed under the current key starts with (rotation counts the rest). */
export function currentSealPrefix(): string {
  return `${VERSION}:${secretKeyIds().current}:`;
}

// IVs come from a pool of CSPRNG output refilled 4 KB at a time: one getrandom call per ~340
// seeds instead of one per seed, which dominated bulk imports. Each IV is still used once.
let ivPool = Buffer.alloc(0);
function nextIv(): Buffer {
  if (ivPool.length < 12) ivPool = crypto.randomBytes(12 * 341);
  const iv = Buffer.from(ivPool.subarray(0, 12));
  ivPool = ivPool.subarray(12);
  return iv;
}

/** Encrypts a seed under the newest key: `v2:<key id>:<base64 iv|tag|ciphertext>`, a fresh IV each time. */
export function encryptSecret(plain: Buffer): string {
  return sealWithKey(secretKey(), nextIv(), plain, currentSealPrefix());
}

function openWith(key: Buffer, raw: Buffer): Buffer {
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/** Decrypts a seed written by encryptSecret under any configured key; throws if it was altered or its key is missing. */
export function decryptSecret(sealed: string): Buffer {
  const parts = sealed.split(":");
  if (parts[0] === VERSION && parts.length === 3) {
    // A key added to data/secret.key since this process loaded it (keys:rotate --new-key): read the list again once.
    const key = sealingKeys().find((candidate) => candidate.id === parts[1]) ?? (reloadSecretKeys(), sealingKeys().find((candidate) => candidate.id === parts[1]));
    if (!key) throw new Error(`This value was sealed under key ${parts[1]}, which is not in PORTAL_SECRET_KEY (or data/secret.key): add that key back to the list.`);
    return openWith(key.key, Buffer.from(parts[2], "base64"));
  }
  if (parts[0] !== LEGACY_VERSION || parts.length !== 2) throw new Error("Unknown secret format");
  // A v1 value doesn't say which key sealed it: GCM's tag tells the right one.
  const raw = Buffer.from(parts[1], "base64");
  let failure: unknown;
  for (const { key } of sealingKeys()) {
    try {
      return openWith(key, raw);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/**
 * A keyed hash (HMAC-SHA256 under a key derived from the secret key for this `purpose`): what
 * the database keeps instead of a value it must recognise but never reveal. Without the key,
 * which lives outside the database, a stolen copy can't be used to guess short values offline.
 */
const purposeKeys = new Map<string, Buffer[]>();
function purposeKeyList(purpose: string): Buffer[] {
  let keys = purposeKeys.get(purpose);
  if (!keys) {
    keys = sealingKeys().map(({ key }) => crypto.createHmac("sha256", key).update(purpose).digest());
    purposeKeys.set(purpose, keys);
  }
  return keys;
}
function purposeKey(purpose: string): Buffer {
  return purposeKeyList(purpose)[0];
}
export function keyedHash(options: { purpose: string; value: Buffer | string }): string {
  return fingerprintWithKey(purposeKey(options.purpose), options.value);
}

/**
 * Whether `stored` is the keyed hash of `value` under any configured key (newest first), each
 * compared in constant time: a pass or code hashed just before a key rotation still matches.
 */
export function keyedHashMatches(options: { purpose: string; value: Buffer | string; stored: string }): boolean {
  const stored = Buffer.from(options.stored);
  let matches = false;
  for (const key of purposeKeyList(options.purpose)) {
    const candidate = Buffer.from(crypto.createHmac("sha256", key).update(options.value).digest("base64url"));
    if (candidate.length === stored.length && crypto.timingSafeEqual(candidate, stored)) matches = true;
  }
  return matches;
}

/**
 * A keyed fingerprint of a seed, so an import can tell "same secret" from "different secret" for
 * a serial without decrypting, and nothing about the seed can be learned from the database alone.
 */
const SEED_FINGERPRINT = "seed-fingerprint";
export function secretFingerprint(plain: Buffer): string {
  return keyedHash({ purpose: SEED_FINGERPRINT, value: plain });
}

/**
 * What a bulk import's worker thread needs to seal seeds exactly as encryptSecret and
 * secretFingerprint do (lib/tokens/import/seed-sealer.ts; a test holds both to the same output).
 */
export function seedSealingKeys(): { version: string; secretKey: Buffer; fingerprintKey: Buffer } {
  // The worker writes `${version}:<base64>`: the version carries the key id.
  return { version: currentSealPrefix().slice(0, -1), secretKey: secretKey(), fingerprintKey: purposeKey(SEED_FINGERPRINT) };
}

/**
 * Encrypts a stream (an uploaded token file kept until its import ends) under the newest seed key;
 * `keyId` names it (stored with the IV) so the import can open the file after a key rotation.
 */
export function createUploadCipher(): { iv: Buffer; keyId: string; cipher: crypto.CipherGCM } {
  const iv = crypto.randomBytes(12);
  return { iv, keyId: secretKeyIds().current, cipher: crypto.createCipheriv("aes-256-gcm", secretKey(), iv) };
}

/** Decrypts a stream written with createUploadCipher; `final()` throws if any byte was altered. */
export function createUploadDecipher(options: { iv: Buffer; authTag: Buffer; keyId?: string }): crypto.DecipherGCM {
  // Files stored before key ids were recorded were sealed under the only key there was: the newest.
  const key = options.keyId ? sealingKeys().find((candidate) => candidate.id === options.keyId)?.key : secretKey();
  if (!key) throw new Error(`This upload was stored under key ${options.keyId}, which is not in PORTAL_SECRET_KEY (or data/secret.key): add that key back to the list.`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, options.iv);
  decipher.setAuthTag(options.authTag);
  return decipher;
}
