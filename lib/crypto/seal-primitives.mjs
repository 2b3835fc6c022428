// How a seed is sealed, in plain JavaScript so one copy serves both the portal's own code (through
// secret-box.ts, whatever bundles it) and the import's seed-sealing worker thread, which Node loads
// from this folder as a file (lib/tokens/import/seed-sealing-worker.mjs): no TypeScript loader in
// the thread, nothing built from a string.
import crypto from "node:crypto";

/**
 * `<prefix>` + base64(iv | tag | ciphertext) under AES-256-GCM with `key` and the 12-byte `iv`
 * (which must never repeat under one key).
 * @param {Buffer} key @param {Buffer} iv @param {Buffer} plain @param {string} prefix
 * @returns {string}
 */
export function sealWithKey(key, iv, plain, prefix) {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `${prefix}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

/**
 * The keyed fingerprint of a value (HMAC-SHA256, base64url) that lookups compare instead of it.
 * @param {Buffer} key @param {Buffer | string} value
 * @returns {string}
 */
export function fingerprintWithKey(key, value) {
  return crypto.createHmac("sha256", key).update(value).digest("base64url");
}
