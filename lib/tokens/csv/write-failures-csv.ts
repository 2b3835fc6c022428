// The downloadable `Failures_<file>.csv`: the rows as uploaded plus a `reason` column, so an admin
// can fix them in a spreadsheet and upload the same file again.
import { csvCell } from "../../shared/csv-cell";
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
