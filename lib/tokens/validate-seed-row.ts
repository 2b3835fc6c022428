// One set of row rules for every token file format (CSV and PSKC), so a token is judged the same
// way whichever file it came in. Every problem in a row is reported at once, each as a sentence a
// person can act on: Entra's bare "Something went wrong" is the pain point this replaces.
import { MIN_SECRET_BYTES, normaliseBase32 } from "../otp/base32";
import type { HashAlgorithm, ParsedRow, RowFailure } from "./token-file-row";

export const MAX_SERIAL_LENGTH = 64;
export const MAX_LABEL_LENGTH = 64;
const MAX_UPN_LENGTH = 256;

export const HOTP_NOT_SUPPORTED =
  "HOTP tokens are not supported; only TOTP (time-based) tokens can be imported.";
export const HEX_SECRET_HINT =
  "The secret key looks hexadecimal; the portal expects Base32 (A–Z, 2–7), e.g. JBSWY3DPEHPK3PXP. " +
  "Convert it to Base32 or ask the vendor for a Base32 file.";

export type SeedRowInput = {
  line: number;
  serialNumber: string;
  /** Empty or missing: the token is imported unassigned. */
  upn?: string | null;
  /** CSV carries Base32 text; PSKC carries the decoded bytes; null when `reasons` already says why it's unusable. */
  secret: { base32: string } | { bytes: Buffer } | null;
  /** Raw values as found in the file; empty means "use the default". */
  period?: string;
  digits?: string;
  hash?: string;
  t0?: string;
  manufacturer?: string;
  model?: string;
  /** Set by the format when the file says this is an HOTP (counter-based) token. */
  isHotp?: boolean;
  /** Format-specific problems already found (unknown algorithm, expired key, …). */
  reasons?: string[];
  original: Record<string, string>;
};

export function validateSeedRow(input: SeedRowInput): ParsedRow {
  // HOTP first: it is the reason that matters most, and interval/hash/digits are meaningless for it.
  const reasons: string[] = input.isHotp ? [HOTP_NOT_SUPPORTED] : [];
  reasons.push(...(input.reasons ?? []));

  const serialNumber = input.serialNumber.trim();
  reasons.push(...checkSerialNumber(serialNumber));

  const upn = checkUpn(input.upn);
  if (!upn.ok) reasons.push(upn.reason);

  const secret =
    input.secret === null
      ? fail<Buffer>("")
      : "base32" in input.secret
        ? checkBase32Secret(input.secret.base32)
        : checkSecretBytes(input.secret.bytes);
  if (!secret.ok && secret.reason !== "") reasons.push(secret.reason);

  const period = input.isHotp ? ok<30 | 60>(30) : parsePeriod(input.period);
  const digits = parseDigits(input.digits);
  const algorithm = parseHash(input.hash);
  const t0 = parseT0(input.t0);
  for (const result of [period, digits, algorithm, t0]) if (!result.ok) reasons.push(result.reason);

  const manufacturer = checkLabel("manufacturer", input.manufacturer);
  const model = checkLabel("model", input.model);
  for (const result of [manufacturer, model]) if (!result.ok) reasons.push(result.reason);

  if (
    reasons.length > 0 ||
    !upn.ok || !secret.ok || !period.ok || !digits.ok || !algorithm.ok || !t0.ok || !manufacturer.ok || !model.ok
  ) {
    // The UPN goes along so the import can add "no such user" to the same failure.
    const failure: RowFailure = { line: input.line, serialNumber, reason: reasons.join(" "), original: input.original };
    if (upn.ok && upn.value) failure.upn = upn.value;
    return { ok: false, failure };
  }
  return {
    ok: true,
    row: {
      line: input.line,
      serialNumber,
      upn: upn.value,
      secret: secret.value,
      period: period.value,
      digits: digits.value,
      algorithm: algorithm.value,
      t0: t0.value,
      manufacturer: manufacturer.value,
      model: model.value,
      original: input.original,
    },
  };
}

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(reason: string): Check<T> => ({ ok: false, reason });

function checkSerialNumber(serial: string): string[] {
  if (serial === "") return ["The serial number is missing."];
  const reasons: string[] = [];
  if (serial.length > MAX_SERIAL_LENGTH) reasons.push(`The serial number is longer than ${MAX_SERIAL_LENGTH} characters.`);
  // Printable ASCII only: serials are typed by helpdesk staff and shown in lists and CSVs.
  if (!/^[\x20-\x7E]+$/.test(serial)) {
    reasons.push("The serial number contains characters that are not printable ASCII (letters, digits, punctuation).");
  }
  // Serials land in lists, logs and CSV exports that admins open in spreadsheets (S6); no vendor
  // serial starts like a formula, so one that does is a damaged or hostile file.
  if (/^[=+\-@]/.test(serial)) reasons.push(`The serial number starts with "${serial[0]}", which spreadsheets run as a formula; use the serial printed on the token.`);
  return reasons;
}

function checkUpn(raw: string | null | undefined): Check<string | null> {
  const upn = (raw ?? "").trim().toLowerCase();
  if (upn === "") return ok(null);
  const looksLikeUpn =
    upn.length <= MAX_UPN_LENGTH &&
    /^[^\s@"<>(),;:\\[\]]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u.test(upn);
  return looksLikeUpn
    ? ok(upn)
    : fail(`The UPN "${raw}" does not look like a user principal name (name@domain, e.g. alice@contoso.example).`);
}

/** A hex seed pasted where Base32 belongs is the most common mistake (Entra's example looked hex). */
export function looksHexadecimal(text: string): boolean {
  if (!/^[0-9a-f]+$/i.test(text)) return false;
  // Digits 0, 1, 8, 9 never occur in Base32, so any of them settles it. Without them, a long
  // even-length run of 0-9a-f is still far likelier hex than Base32 (a random Base32 seed of 32
  // characters avoids G–Z and 0/1 with a chance of about 1 in 10^13), and importing a hex seed
  // as Base32 would give a token that silently never works.
  return /[0189]/.test(text) || (text.length >= 32 && text.length % 2 === 0);
}

export function checkBase32Secret(raw: string): Check<Buffer> {
  const compact = raw.replace(/[\s=-]/g, "");
  if (compact === "") return fail("The secret key is missing.");
  if (looksHexadecimal(compact)) {
    // Said together with the hint, so one upload tells the whole story (Entra's own sample row
    // is hex, too short even as hex, and for an unknown user).
    const hexBytes = Math.floor(compact.length / 2);
    return fail(
      hexBytes < MIN_SECRET_BYTES
        ? `${HEX_SECRET_HINT} Even read as hexadecimal it is shorter than 128 bits (16 bytes): its ${compact.length} hex characters make ${hexBytes} bytes.`
        : HEX_SECRET_HINT,
    );
  }
  // 1, 3 or 6 characters left over after whole 8-character groups can't come from whole bytes:
  // a character was lost or added while copying.
  if (/^[a-z2-7]+$/i.test(compact) && [1, 3, 6].includes(compact.length % 8) && compact.length <= 128) {
    return fail(
      `The secret key has ${compact.length} Base32 characters, a length no whole number of bytes encodes to; ` +
        "a character is probably missing or extra.",
    );
  }
  const result = normaliseBase32(compact);
  return result.ok ? ok(result.bytes) : fail(result.reason);
}

export function checkSecretBytes(bytes: Buffer): Check<Buffer> {
  if (bytes.length === 0) return fail("The secret key is missing.");
  if (bytes.length < MIN_SECRET_BYTES) {
    return fail(`The secret key is shorter than 128 bits (16 bytes): it has ${bytes.length} bytes.`);
  }
  return ok(bytes);
}

export function parsePeriod(raw: string | undefined): Check<30 | 60> {
  const text = (raw ?? "").trim();
  if (text === "") return fail("The time interval is missing; it must be 30 or 60 (seconds).");
  if (text === "30") return ok(30);
  if (text === "60") return ok(60);
  return fail(`The time interval must be 30 or 60 seconds, not "${text}".`);
}

export function parseDigits(raw: string | undefined): Check<6 | 8> {
  const text = (raw ?? "").trim();
  if (text === "" || text === "6") return ok(6);
  if (text === "8") return ok(8);
  return fail(`The number of digits must be 6 or 8, not "${text}".`);
}

/** Accepts sha1, SHA-256, HMAC-SHA512 (PSKC Suite) … ; empty means SHA-1, the OATH default. */
export function parseHash(raw: string | undefined): Check<HashAlgorithm> {
  const text = (raw ?? "").trim();
  const key = text.toUpperCase().replace(/^HMAC[-_ ]?/, "").replace(/[-_ ]/g, "");
  if (key === "" || key === "SHA1") return ok("SHA1");
  if (key === "SHA256") return ok("SHA256");
  if (key === "SHA512") return ok("SHA512");
  return fail(`The hash must be SHA1, SHA256 or SHA512, not "${text}".`);
}

function parseT0(raw: string | undefined): Check<number> {
  const text = (raw ?? "").trim();
  if (text === "") return ok(0);
  if (/^\d{1,12}$/.test(text)) return ok(Number(text));
  return fail(`The start time (T0) must be a whole number of seconds, not "${text}".`);
}

function checkLabel(what: "manufacturer" | "model", raw: string | undefined): Check<string> {
  const text = (raw ?? "").trim();
  if (text.length > MAX_LABEL_LENGTH) return fail(`The ${what} is longer than ${MAX_LABEL_LENGTH} characters.`);
  if (/\p{Cc}/u.test(text)) return fail(`The ${what} contains control characters.`);
  return ok(text);
}
