// The cryptography RFC 6030 uses for encrypted PSKC files (§6.1 pre-shared key, §6.2 PBKDF2), as
// small pure functions over node:crypto.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";

const XMLENC = "http://www.w3.org/2001/04/xmlenc#";
const XMLDSIG = "http://www.w3.org/2000/09/xmldsig#";
const XMLDSIG_MORE = "http://www.w3.org/2001/04/xmldsig-more#";

/**
 * An encryption algorithm of RFC 6030 §6.1. CBC values carry their IV first and need a ValueMAC
 * (CBC alone can't tell a wrong key or an altered value); key wrap values carry their own
 * integrity check (RFC 3394 for AES, RFC 3217 for Triple-DES).
 */
export type EncryptionAlgorithm = {
  /** As an admin would say it, e.g. "AES-128-CBC". */
  name: string;
  mode: "cbc" | "key-wrap";
  /** node:crypto cipher name. */
  cipher: string;
  keyLength: number;
  blockLength: number;
};

const cbc = (name: string, cipher: string, keyLength: number, blockLength = 16): EncryptionAlgorithm => ({ name, mode: "cbc", cipher, keyLength, blockLength });
const keyWrap = (name: string, cipher: string, keyLength: number): EncryptionAlgorithm => ({ name, mode: "key-wrap", cipher, keyLength, blockLength: 8 });

/** By URI. Camellia is listed under both names seen in the wild: RFC 6030's `#camellia128` and RFC 4051's `#camellia128-cbc`. */
export const ENCRYPTION_ALGORITHMS: Record<string, EncryptionAlgorithm> = {
  [`${XMLENC}aes128-cbc`]: cbc("AES-128-CBC", "aes-128-cbc", 16),
  [`${XMLENC}aes192-cbc`]: cbc("AES-192-CBC", "aes-192-cbc", 24),
  [`${XMLENC}aes256-cbc`]: cbc("AES-256-CBC", "aes-256-cbc", 32),
  [`${XMLENC}tripledes-cbc`]: cbc("Triple-DES-CBC", "des-ede3-cbc", 24, 8),
  [`${XMLDSIG_MORE}camellia128`]: cbc("Camellia-128-CBC", "camellia-128-cbc", 16),
  [`${XMLDSIG_MORE}camellia192`]: cbc("Camellia-192-CBC", "camellia-192-cbc", 24),
  [`${XMLDSIG_MORE}camellia256`]: cbc("Camellia-256-CBC", "camellia-256-cbc", 32),
  [`${XMLDSIG_MORE}camellia128-cbc`]: cbc("Camellia-128-CBC", "camellia-128-cbc", 16),
  [`${XMLDSIG_MORE}camellia192-cbc`]: cbc("Camellia-192-CBC", "camellia-192-cbc", 24),
  [`${XMLDSIG_MORE}camellia256-cbc`]: cbc("Camellia-256-CBC", "camellia-256-cbc", 32),
  [`${XMLENC}kw-aes128`]: keyWrap("AES-128 key wrap", "id-aes128-wrap", 16),
  [`${XMLENC}kw-aes192`]: keyWrap("AES-192 key wrap", "id-aes192-wrap", 24),
  [`${XMLENC}kw-aes256`]: keyWrap("AES-256 key wrap", "id-aes256-wrap", 32),
  // OpenSSL's CMS Triple-DES key wrap is RFC 3217's algorithm (checked against a hand-written
  // RFC 3217 wrap in test/support/generate-pskc-fixtures.ts).
  [`${XMLENC}kw-tripledes`]: keyWrap("Triple-DES key wrap", "id-smime-alg-CMS3DESwrap", 24),
};

/** Named by RFC 6030 §6.1 but not provided by node:crypto, so refused with a way out. */
export const UNAVAILABLE_ENCRYPTION = [`${XMLDSIG_MORE}kw-camellia128`, `${XMLDSIG_MORE}kw-camellia192`, `${XMLDSIG_MORE}kw-camellia256`];

/** HMAC URIs (ValueMAC) mapped to node digest names: each under xmldsig# and xmldsig-more#, as producers differ. */
export const HMAC_ALGORITHMS: Record<string, string> = Object.fromEntries(
  ["sha1", "sha224", "sha256", "sha384", "sha512"].flatMap((digest) => [
    [`${XMLDSIG}hmac-${digest}`, digest],
    [`${XMLDSIG_MORE}hmac-${digest}`, digest],
  ]),
);

export const PBKDF2_URI = "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2";
const PKCS5 = "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#";
const PBKDF2_PRF_OIDS: Record<string, string> = { sha1: "7", sha256: "9", sha384: "10", sha512: "11" };

/** The PBKDF2 PRFs of RFC 8018 that PSKC producers name: the HMAC URIs, PKCS #5 names and OIDs. */
export const PBKDF2_PRFS: Record<string, string> = Object.fromEntries(
  Object.entries(PBKDF2_PRF_OIDS).flatMap(([digest, oid]) => [
    [`${XMLDSIG}hmac-${digest}`, digest],
    [`${XMLDSIG_MORE}hmac-${digest}`, digest],
    [`${PKCS5}hmacWith${digest.toUpperCase()}`, digest],
    [`urn:oid:1.2.840.113549.2.${oid}`, digest],
  ]),
);

/** Above this a file could pin the server's CPU for many seconds; real vendor files use far fewer. */
export const MAX_PBKDF2_ITERATIONS = 2_000_000;

export function derivePbkdf2Key(options: {
  passphrase: string;
  salt: Buffer;
  iterations: number;
  keyLength: number;
  digest?: string;
}): Buffer {
  return pbkdf2Sync(options.passphrase, options.salt, options.iterations, options.keyLength, options.digest ?? "sha1");
}

/** Why a CipherValue can't be one for the algorithm, or null when its length fits. */
export function cipherValueProblem(algorithm: EncryptionAlgorithm, value: Buffer): string | null {
  if (algorithm.mode === "cbc") {
    const block = algorithm.blockLength;
    return value.length >= 2 * block && value.length % block === 0
      ? null
      : `${value.length} bytes, not an IV and ${algorithm.name} blocks (a multiple of ${block} bytes, at least ${2 * block})`;
  }
  return value.length >= 24 && value.length % 8 === 0 ? null : `${value.length} bytes, not a ${algorithm.name} value (a multiple of 8 bytes, at least 24)`;
}

/**
 * Decrypts an xmlenc CipherValue (CBC: the IV is the first block, then the ciphertext; key wrap:
 * the wrapped value). Returns null when the value can't be a valid encryption under this key —
 * a wrong key usually ends up here, and for key wrap a failed integrity check does.
 */
export function decryptCipherValue(options: { algorithm: EncryptionAlgorithm; key: Buffer; cipherValue: Buffer }): Buffer | null {
  const { algorithm, key, cipherValue } = options;
  if (key.length !== algorithm.keyLength || cipherValueProblem(algorithm, cipherValue) !== null) return null;
  if (algorithm.mode === "key-wrap") {
    try {
      // RFC 3394's default IV; the CMS Triple-DES wrap carries its IV inside the value.
      const iv = algorithm.cipher.startsWith("id-aes") ? Buffer.from("A6A6A6A6A6A6A6A6", "hex") : null;
      const decipher = createDecipheriv(algorithm.cipher, key, iv);
      return Buffer.concat([decipher.update(cipherValue), decipher.final()]);
    } catch {
      return null;
    }
  }
  const block = algorithm.blockLength;
  const decipher = createDecipheriv(algorithm.cipher, key, cipherValue.subarray(0, block));
  // xmlenc padding only promises the last byte is the pad length (the others may be random), so
  // strip it by hand; integrity comes from the ValueMAC, checked before this is ever called.
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(cipherValue.subarray(block)), decipher.final()]);
  const pad = padded[padded.length - 1] as number;
  if (pad < 1 || pad > block) return null;
  return padded.subarray(0, padded.length - pad);
}

/** Constant-time check of a ValueMAC: HMAC over the whole CipherValue, IV included (RFC 6030 §6.1.1). */
export function valueMacMatches(options: { digest: string; macKey: Buffer; cipherValue: Buffer; mac: Buffer }): boolean {
  const expected = createHmac(options.digest, options.macKey).update(options.cipherValue).digest();
  return expected.length === options.mac.length && timingSafeEqual(expected, options.mac);
}

/** Strict Base64 (node's decoder silently skips junk, which would hide a damaged file). */
export function decodeBase64Strict(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, "base64");
}
