// Entra's hardware token CSV (`upn,serial number,secret key,time interval,manufacturer,model`),
// read as a stream: one ParsedRow per record, each a token or a failure with its reason.
import { TokenFileError, type ParsedRow } from "../token-file-row";
import { validateSeedRow } from "../validate-seed-row";
import { readCsvRecordBatches } from "./csv-records";
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
  for await (const rows of parseTokenCsvBatches(options)) yield* rows;
}

/**
 * parseTokenCsv a chunk of rows at a time (one array per text chunk read): what a bulk import
 * uses, so a 100,000-row file costs a few dozen awaits instead of several per row.
 */
export async function* parseTokenCsvBatches(options: ParseTokenCsvOptions): AsyncGenerator<ParsedRow[]> {
  let header: Header | null = null;
  let rows = 0;

  for await (const records of readCsvRecordBatches(decodeTextStream(options.input))) {
    const parsed: ParsedRow[] = [];
    for (const record of records) {
      if (isBlank(record.fields)) continue; // blank lines, trailing ",,,,,"
      if (header === null) {
        header = readHeader(record.fields);
        options.onHeader?.(header.names);
        continue;
      }
      rows += 1;
      if (options.maxRows !== undefined && rows > options.maxRows) {
        if (parsed.length > 0) yield parsed;
        throw new TokenFileError(
          "too-many-rows",
          `The file has more than ${options.maxRows} token rows, the most one upload may hold; split it into smaller files.`,
        );
      }
      parsed.push(readRow(header, record.line, record.fields));
    }
    if (parsed.length > 0) yield parsed;
  }

  if (header === null) {
    throw new TokenFileError("empty", `The file is empty. The first line must be the header: ${EXPECTED_HEADER}`);
  }
}

function isBlank(fields: string[]): boolean {
  for (const field of fields) if (field.trim() !== "") return false;
  return true;
}

type Header = {
  /** Column names as written (trimmed), made unique, used as keys of `original`. */
  names: string[];
  index: Partial<Record<KnownColumn, number>>;
};

/** Entra's 6 columns plus vendor extras; a header far wider than this is not a token file (S5). */
export const MAX_COLUMNS = 100;

function readHeader(fields: string[]): Header {
  if (fields.length > MAX_COLUMNS) {
    throw new TokenFileError(
      "too-many-columns",
      `The header has ${fields.length} columns; a token CSV has the 6 Entra columns and at most ${MAX_COLUMNS} in all. The first line must be: ${EXPECTED_HEADER}`,
    );
  }
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
  const { names, index } = header;
  const original = originalOf(names, fields);

  const reasons: string[] = [];
  let extra = false;
  for (let at = names.length; at < fields.length; at++) if (fields[at].trim() !== "") extra = true;
  if (fields.length < names.length || extra) {
    reasons.push(
      `The row has ${fields.length} values but the header has ${names.length} columns; ` +
        "a value with a comma must be quoted.",
    );
  }
  let isHotp = false;
  for (const at of [index.mode, index.type]) {
    if (at === undefined) continue;
    const value = (fields[at] ?? "").trim().toLowerCase();
    if (value === "hotp") isHotp = true;
    else if (value !== "" && value !== "totp") reasons.push(`The token type "${value}" is unknown; only TOTP (time-based) tokens can be imported.`);
  }

  return validateSeedRow({
    line,
    serialNumber: cellAt(fields, index["serial number"]) ?? "",
    upn: cellAt(fields, index.upn),
    secret: { base32: cellAt(fields, index["secret key"]) ?? "" },
    period: cellAt(fields, index["time interval"]),
    digits: cellAt(fields, index.digits),
    hash: cellAt(fields, index.hash),
    manufacturer: cellAt(fields, index.manufacturer),
    model: cellAt(fields, index.model),
    isHotp,
    reasons,
    original,
  });
}

function cellAt(fields: string[], at: number | undefined): string | undefined {
  return at === undefined ? undefined : fields[at];
}

/** The row's cells by column name, for the failures CSV. */
function originalOf(names: string[], fields: string[]): Record<string, string> {
  const original: Record<string, string> = {};
  for (let at = 0; at < names.length; at++) {
    const value = fields[at] ?? "";
    // A column named "__proto__" must stay a plain cell, not set the object's prototype.
    if (names[at] === "__proto__") Object.defineProperty(original, "__proto__", { value, enumerable: true, writable: true, configurable: true });
    else original[names[at]] = value;
  }
  return original;
}

function list(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}
