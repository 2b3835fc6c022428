// Entra's hardware token CSV (`upn,serial number,secret key,time interval,manufacturer,model`),
// read as a stream: one ParsedRow per record, each a token or a failure with its reason.
import { TokenFileError, type ParsedRow } from "../token-file-row";
import { validateSeedRow } from "../validate-seed-row";
import { readCsvRecords } from "./csv-records";
import { decodeTextStream, type TextInput } from "./decode-text-stream";

export const REQUIRED_COLUMNS = ["upn", "serial number", "secret key", "time interval", "manufacturer", "model"] as const;
export const EXPECTED_HEADER = REQUIRED_COLUMNS.join(",");
/** Optional extras vendors add; `mode`/`type` exist only so HOTP files get a clear refusal. */
const OPTIONAL_COLUMNS = ["hash", "digits", "mode", "type"] as const;

type KnownColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

export type ParseTokenCsvOptions = {
  input: TextInput;
  /** Data rows allowed (blank lines don't count); more refuses the file (S5). */
  maxRows?: number;
  /** Receives the header's column names as the `original` records use them, for the failures CSV. */
  onHeader?: (columns: string[]) => void;
};

/**
 * Yields every data row as a token or a failure. Whole-file problems (header, encoding, size)
 * throw TokenFileError; a too-many-rows error comes after the rows already yielded, so callers
 * must treat any throw as "import nothing from this file".
 */
export async function* parseTokenCsv(options: ParseTokenCsvOptions): AsyncGenerator<ParsedRow> {
  const records = readCsvRecords(decodeTextStream(options.input));
  let header: Header | null = null;
  let rows = 0;

  for await (const record of records) {
    if (record.fields.every((field) => field.trim() === "")) continue; // blank lines, trailing ",,,,,"
    if (header === null) {
      header = readHeader(record.fields);
      options.onHeader?.(header.names);
      continue;
    }
    rows += 1;
    if (options.maxRows !== undefined && rows > options.maxRows) {
      throw new TokenFileError(
        "too-many-rows",
        `The file has more than ${options.maxRows} token rows, the most one upload may hold; split it into smaller files.`,
      );
    }
    yield readRow(header, record.line, record.fields);
  }

  if (header === null) {
    throw new TokenFileError("empty", `The file is empty. The first line must be the header: ${EXPECTED_HEADER}`);
  }
}

type Header = {
  /** Column names as written (trimmed), made unique, used as keys of `original`. */
  names: string[];
  index: Partial<Record<KnownColumn, number>>;
};

function readHeader(fields: string[]): Header {
  const keys = fields.map((field) => field.trim().toLowerCase().replace(/\s+/g, " "));
  const raw = fields.join(",");
  if (keys.length === 1 && raw.includes(";")) {
    throw new TokenFileError(
      "not-csv",
      `The file looks semicolon-separated; save it as comma-separated CSV. The header must be: ${EXPECTED_HEADER}`,
    );
  }
  if (keys.length === 1 && raw.includes("\t")) {
    throw new TokenFileError(
      "not-csv",
      `The file looks tab-separated; save it as comma-separated CSV. The header must be: ${EXPECTED_HEADER}`,
    );
  }

  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const key of keys) {
    if (key === "") continue; // empty trailing header cells are common and harmless
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw new TokenFileError(
      "duplicate-columns",
      `The header names ${list([...duplicates])} more than once; each column may appear only once.`,
    );
  }

  const missing = REQUIRED_COLUMNS.filter((column) => !seen.has(column));
  if (missing.length > 0) {
    const hint = raw.includes(";") ? "The file looks semicolon-separated; save it as comma-separated CSV. " : "";
    throw new TokenFileError(
      "missing-columns",
      `${hint}The header is missing the column${missing.length > 1 ? "s" : ""} ${list(missing)}. ` +
        `The first line must be: ${EXPECTED_HEADER} (any order, extra columns are ignored).`,
    );
  }

  const index: Header["index"] = {};
  for (const column of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
    const at = keys.indexOf(column);
    if (at >= 0) index[column] = at;
  }
  const names = fields.map((field, at) => field.trim() || `column ${at + 1}`);
  return { names, index };
}

function readRow(header: Header, line: number, fields: string[]): ParsedRow {
  const original = Object.fromEntries(header.names.map((name, at) => [name, fields[at] ?? ""]));
  const cell = (column: KnownColumn): string | undefined => {
    const at = header.index[column];
    return at === undefined ? undefined : fields[at];
  };

  const reasons: string[] = [];
  const extra = fields.slice(header.names.length).some((field) => field.trim() !== "");
  if (fields.length < header.names.length || extra) {
    reasons.push(
      `The row has ${fields.length} values but the header has ${header.names.length} columns; ` +
        "a value with a comma must be quoted.",
    );
  }
  const mode = [cell("mode"), cell("type")].map((value) => (value ?? "").trim().toLowerCase());
  const isHotp = mode.includes("hotp");
  for (const value of mode) {
    if (value !== "" && value !== "totp" && value !== "hotp") {
      reasons.push(`The token type "${value}" is unknown; only TOTP (time-based) tokens can be imported.`);
    }
  }

  return validateSeedRow({
    line,
    serialNumber: cell("serial number") ?? "",
    upn: cell("upn"),
    secret: { base32: cell("secret key") ?? "" },
    period: cell("time interval"),
    digits: cell("digits"),
    hash: cell("hash"),
    manufacturer: cell("manufacturer"),
    model: cell("model"),
    isHotp,
    reasons,
    original,
  });
}

function list(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}
