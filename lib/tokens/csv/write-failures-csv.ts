// The downloadable `Failures_<file>.csv`: the rows as uploaded plus a `reason` column, so an admin
// can fix them in a spreadsheet and upload the same file again.
import type { RowFailure } from "../token-file-row";

export type WriteFailuresCsvOptions = {
  /** The uploaded file's columns, in order (parseTokenCsv's onHeader, or PSKC_ORIGINAL_COLUMNS). */
  columns: string[];
  failures: RowFailure[];
};

export function writeFailuresCsv(options: WriteFailuresCsvOptions): string {
  // A re-uploaded failures file already has a `reason` column: replace it rather than repeat it.
  const columns = options.columns.filter((column) => column.trim().toLowerCase() !== "reason");
  const lines = [[...columns, "reason"]];
  for (const failure of options.failures) {
    lines.push([...columns.map((column) => failure.original[column] ?? ""), failure.reason]);
  }
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/**
 * One RFC 4180 cell, made inert for spreadsheets (S6): uploaded values such as `=HYPERLINK(…)`
 * would otherwise run as formulas when the admin opens the failures file.
 */
export function csvCell(value: string): string {
  const safe = startsLikeFormula(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function startsLikeFormula(value: string): boolean {
  // Tab and CR also start formula injection in some spreadsheets; leading spaces are skipped by
  // some of them, and full-width ＝＋－＠ are read as their ASCII forms by others.
  return /^[\t\r]/.test(value) || /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(value);
}

/** `Failures_<base name>.csv`, without the uploaded path or anything unsafe in a download name. */
export function failuresFileName(originalName: string): string {
  const base = originalName.split(/[\\/]/).pop() ?? "";
  const stem = base.replace(/\.[^.]*$/, "");
  const safe = stem
    .replace(/[^A-Za-z0-9._ -]+/g, "_")
    .slice(0, 100)
    .replace(/^[.\s_-]+|[.\s]+$/g, "");
  return `Failures_${safe || "upload"}.csv`;
}
