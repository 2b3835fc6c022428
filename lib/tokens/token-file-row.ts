// The plain-data contract between the token file parsers (CSV, PSKC) and whoever imports the
// rows. Parsers never touch the database: they only say, row by row, "this is a token" or "this
// row fails, and here is why", so an upload can report every problem at once.

export type HashAlgorithm = "SHA1" | "SHA256" | "SHA512";

export type TokenRow = {
  /** CSV: physical line where the record starts (header = 1). PSKC: 1-based KeyPackage index. */
  line: number;
  serialNumber: string;
  /** Lower-cased UPN, or null: the token goes to the inventory unassigned. */
  upn: string | null;
  secret: Buffer;
  period: 30 | 60;
  digits: 6 | 8;
  algorithm: HashAlgorithm;
  /** Unix time (seconds) the TOTP step counter starts from. */
  t0: number;
  manufacturer: string;
  model: string;
  /** The row as uploaded (CSV columns, or PSKC serial/model/…), for the failures CSV. */
  original: Record<string, string>;
};

export type RowFailure = {
  line: number;
  serialNumber: string;
  reason: string;
  /** The row's UPN when it is well-formed, so the import can also report an unknown user. */
  upn?: string | null;
  original: Record<string, string>;
};

export type ParsedRow = { ok: true; row: TokenRow } | { ok: false; failure: RowFailure };

/** Why a whole file was refused; `code` lets the UI react (e.g. ask for a key) without parsing text. */
export type TokenFileErrorCode =
  | "empty"
  | "too-large"
  | "encoding"
  | "not-csv"
  | "missing-columns"
  | "duplicate-columns"
  | "too-many-columns"
  | "too-many-rows"
  | "row-too-long"
  | "unclosed-quote"
  | "doctype"
  | "not-xml"
  | "not-pskc"
  | "unsupported-version"
  | "key-required"
  | "bad-key"
  | "mac-mismatch"
  | "unsupported-encryption";

/** A problem with the whole file: nothing in it should be imported. */
export class TokenFileError extends Error {
  readonly code: TokenFileErrorCode;

  constructor(code: TokenFileErrorCode, message: string) {
    super(message);
    this.name = "TokenFileError";
    this.code = code;
  }
}
