import crypto from "node:crypto";
import { loadKey } from "./key-file";

// Token and app seeds are encrypted at rest with AES-256-GCM (S4). The key lives outside the
// database: PORTAL_SECRET_KEY, or data/secret.key for the embedded default.
let cachedKey: Buffer | undefined;
function secretKey(): Buffer {
  cachedKey ??= loadKey({ envName: "PORTAL_SECRET_KEY", fileName: "secret.key" });
  return cachedKey;
}

const VERSION = "v1";

// IVs come from a pool of CSPRNG output refilled 4 KB at a time: one getrandom call per ~340
// seeds instead of one per seed, which dominated bulk imports. Each IV is still used once.
let ivPool = Buffer.alloc(0);
function nextIv(): Buffer {
  if (ivPool.length < 12) ivPool = crypto.randomBytes(12 * 341);
  const iv = Buffer.from(ivPool.subarray(0, 12));
  ivPool = ivPool.subarray(12);
  return iv;
}

/** Encrypts a seed. The result is `v1:<base64 iv|tag|ciphertext>`; a fresh IV each time. */
export function encryptSecret(plain: Buffer): string {
  const iv = nextIv();
  const cipher = crypto.createCipheriv("aes-256-gcm", secretKey(), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

/** Decrypts a seed written by encryptSecret; throws if it was altered or the key is wrong. */
export function decryptSecret(sealed: string): Buffer {
  const [version, payload] = sealed.split(":");
  if (version !== VERSION || !payload) throw new Error("Unknown secret format");
  const raw = Buffer.from(payload, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", secretKey(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/**
 * A keyed hash (HMAC-SHA256 under a key derived from the secret key for this `purpose`): what
 * the database keeps instead of a value it must recognise but never reveal. Without the key,
 * which lives outside the database, a stolen copy can't be used to guess short values offline.
 */
const purposeKeys = new Map<string, Buffer>();
function purposeKey(purpose: string): Buffer {
  let key = purposeKeys.get(purpose);
  if (!key) {
    key = crypto.createHmac("sha256", secretKey()).update(purpose).digest();
    purposeKeys.set(purpose, key);
  }
  return key;
}
export function keyedHash(options: { purpose: string; value: Buffer | string }): string {
  return crypto.createHmac("sha256", purposeKey(options.purpose)).update(options.value).digest("base64url");
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
  return { version: VERSION, secretKey: secretKey(), fingerprintKey: purposeKey(SEED_FINGERPRINT) };
}

/** Encrypts a stream (an uploaded token file kept until its import ends) under the seed key. */
export function createUploadCipher(): { iv: Buffer; cipher: crypto.CipherGCM } {
  const iv = crypto.randomBytes(12);
  return { iv, cipher: crypto.createCipheriv("aes-256-gcm", secretKey(), iv) };
}

/** Decrypts a stream written with createUploadCipher; `final()` throws if any byte was altered. */
export function createUploadDecipher(options: { iv: Buffer; authTag: Buffer }): crypto.DecipherGCM {
  const decipher = crypto.createDecipheriv("aes-256-gcm", secretKey(), options.iv);
  decipher.setAuthTag(options.authTag);
  return decipher;
}
