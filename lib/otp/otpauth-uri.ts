/** Key URI (Google Authenticator format) for TOTP SHA-1, 6 digits, 30 s — what every app reads. */
export function otpauthUri(options: { issuer: string; upn: string; secret: string }): string {
  const { issuer, upn, secret } = options;
  const query = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: "6", period: "30" });
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(upn)}?${query.toString()}`;
}
