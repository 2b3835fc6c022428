// The cryptography RFC 6030 uses for encrypted PSKC files (§6.1 pre-shared key, §6.2 PBKDF2), as
// small pure functions over node:crypto.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";

/** xmlenc block ciphers by URI, with the key length each needs. */
export const CBC_ALGORITHMS: Record<string, { cipher: string; keyLength: number }> = {
  "http://www.w3.org/2001/04/xmlenc#aes128-cbc": { cipher: "aes-128-cbc", keyLength: 16 },
  "http://www.w3.org/2001/04/xmlenc#aes192-cbc": { cipher: "aes-192-cbc", keyLength: 24 },
  "http://www.w3.org/2001/04/xmlenc#aes256-cbc": { cipher: "aes-256-cbc", keyLength: 32 },
};

/** HMAC URIs (ValueMAC and the PBKDF2 PRF) mapped to node digest names. */
export const HMAC_ALGORITHMS: Record<string, string> = {
  "http://www.w3.org/2000/09/xmldsig#hmac-sha1": "sha1",
  "http://www.w3.org/2001/04/xmldsig-more#hmac-sha224": "sha224",
  "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256": "sha256",
  "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384": "sha384",
  "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512": "sha512",
};

export const PBKDF2_URI = "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2";
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

/**
 * Decrypts an xmlenc CipherValue: the IV is the first block, then the ciphertext. Returns null when
 * the value can't be a valid encryption under this key (a wrong key usually ends up here).
 */
export function decryptCbc(options: { algorithm: string; key: Buffer; ivAndCiphertext: Buffer }): Buffer | null {
  const spec = CBC_ALGORITHMS[options.algorithm];
  if (!spec || options.key.length !== spec.keyLength) return null;
  const data = options.ivAndCiphertext;
  if (data.length < 32 || data.length % 16 !== 0) return null;
  const decipher = createDecipheriv(spec.cipher, options.key, data.subarray(0, 16));
  // xmlenc padding only promises the last byte is the pad length (the others may be random), so
  // strip it by hand; integrity comes from the ValueMAC, checked before this is ever called.
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
  const pad = padded[padded.length - 1] as number;
  if (pad < 1 || pad > 16) return null;
  return padded.subarray(0, padded.length - pad);
}

/** Constant-time check of a ValueMAC: HMAC over IV || ciphertext (RFC 6030 §6.1.1). */
export function valueMacMatches(options: { digest: string; macKey: Buffer; ivAndCiphertext: Buffer; mac: Buffer }): boolean {
  const expected = createHmac(options.digest, options.macKey).update(options.ivAndCiphertext).digest();
  return expected.length === options.mac.length && timingSafeEqual(expected, options.mac);
}

/** Strict Base64 (node's decoder silently skips junk, which would hide a damaged file). */
export function decodeBase64Strict(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, "base64");
}
