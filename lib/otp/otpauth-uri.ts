import { Secret, TOTP, URI } from "otpauth";

/**
 * Key URI (Google Authenticator format, built by otpauth) for TOTP SHA-1, 6 digits, 30 s — what
 * every app reads: `otpauth://totp/<issuer>:<upn>?issuer=…&secret=…&algorithm=SHA1&digits=6&period=30`.
 */
export function otpauthUri(options: { issuer: string; upn: string; secret: string }): string {
  const { issuer, upn, secret } = options;
  return new TOTP({ issuer, label: upn, issuerInLabel: true, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).toString();
}

export type OtpauthKey = { issuer: string; label: string; secret: string; algorithm: string; digits: number; period: number };

/** Reads a TOTP key URI (otpauth's parser); throws on anything that isn't one. */
export function parseOtpauthUri(uri: string): OtpauthKey {
  const key = URI.parse(uri);
  if (!(key instanceof TOTP)) throw new Error("Not a TOTP key URI.");
  return { issuer: key.issuer, label: key.label, secret: key.secret.base32, algorithm: key.algorithm, digits: key.digits, period: key.period };
}

/** A new app secret of `bytes` random bytes (160 bits by default, RFC 4226's recommendation). */
export function newAppSecret(bytes = 20): Buffer {
  return Buffer.from(new Secret({ size: bytes }).bytes);
}
