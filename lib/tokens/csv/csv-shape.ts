// What the bytes of a CSV alone say about it: enough to know that parsing it can't end in a
// whole-file refusal half-way through an import (too many rows, an unclosed quote, an over-long
// line), without parsing it.
import { MAX_RECORD_CHARS } from "./csv-records";

export type CsvShape = { lines: number; quotes: number; longestLine: number };

/** Counts lines, double quotes and the longest line, piece by piece as the bytes stream past. */
export function csvShapeCounter(): { add(piece: Uint8Array): void; shape(): CsvShape } {
  let lines = 1;
  let quotes = 0;
  let lineLength = 0;
  let longestLine = 0;
  return {
    add(piece) {
      // Buffer's indexOf runs natively over the bytes: a fraction of a byte-by-byte loop's cost.
      const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      let from = 0;
      for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, from)) {
        lines += 1;
        longestLine = Math.max(longestLine, lineLength + lf - from);
        lineLength = 0;
        from = lf + 1;
      }
      lineLength += bytes.length - from;
      for (let quote = bytes.indexOf(0x22); quote !== -1; quote = bytes.indexOf(0x22, quote + 1)) quotes += 1;
    },
    shape: () => ({ lines, quotes, longestLine: Math.max(longestLine, lineLength) }),
  };
}

/**
 * The data rows of a CSV whose shape rules out every whole-file refusal that could come after
 * the first rows (few enough lines, balanced quotes, no over-long line); null when the file has
 * to be parsed through once to know.
 */
export function rowsOfCleanCsv(shape: CsvShape, maxRows: number): number | null {
  return shape.lines <= maxRows && shape.quotes % 2 === 0 && shape.longestLine <= MAX_RECORD_CHARS ? Math.max(shape.lines - 1, 0) : null;
}
