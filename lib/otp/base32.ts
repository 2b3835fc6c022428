// The one Base32 (RFC 4648) normaliser of the project: token files, authenticator apps and the
// demo all go through here.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const MAX_BASE32_SECRET_LENGTH = 128;
export const MIN_SECRET_BYTES = 16;

export type Base32Result = { ok: true; base32: string; bytes: Buffer } | { ok: false; reason: string };

/**
 * Normalises a Base32 secret as vendors ship it (lower case, spaces, dashes, `=` padding) and
 * decodes it. Refuses other characters, more than 128 characters and seeds under 128 bits
 * (RFC 4226 R6), with a reason a person can act on.
 */
export function normaliseBase32(input: string): Base32Result {
  const base32 = input.replace(/[\s-]/g, "").replace(/=+$/, "").toUpperCase();
  if (base32.length === 0) return { ok: false, reason: "The secret key is empty." };
  if (!/^[A-Z2-7]+$/.test(base32)) {
    const hint = /^[0-9a-f]+$/i.test(base32)
      ? " It looks hexadecimal; the portal expects Base32 (letters A–Z and digits 2–7), e.g. JBSWY3DPEHPK3PXP."
      : " Base32 uses only the letters A–Z and the digits 2–7.";
    return { ok: false, reason: `The secret key is not valid Base32.${hint}` };
  }
  if (base32.length > MAX_BASE32_SECRET_LENGTH) {
    return { ok: false, reason: `The secret key is longer than ${MAX_BASE32_SECRET_LENGTH} Base32 characters.` };
  }
  const bytes = decodeBase32(base32);
  if (bytes.length < MIN_SECRET_BYTES) {
    return {
      ok: false,
      reason: `The secret key is shorter than 128 bits (16 bytes): it decodes to ${bytes.length} bytes.`,
    };
  }
  return { ok: true, base32, bytes };
}

/** Value of each Base32 character by char code (bulk imports decode 100,000 seeds at a time). */
const VALUE_OF = new Int8Array(128).fill(-1);
for (let at = 0; at < ALPHABET.length; at++) VALUE_OF[ALPHABET.charCodeAt(at)] = at;

/** Decodes upper-case, unpadded Base32 that has already been checked against the alphabet. */
function decodeBase32(base32: string): Buffer {
  // Every byte is written below: 5 bits per character, whole bytes only.
  const out = Buffer.allocUnsafe(Math.floor((base32.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let length = 0;
  for (let at = 0; at < base32.length; at++) {
    buffer = ((buffer << 5) | VALUE_OF[base32.charCodeAt(at)]) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

/** Encodes bytes as unpadded upper-case Base32 (what authenticator apps and QR codes expect). */
export function encodeBase32(bytes: Buffer): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= 0xff;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
