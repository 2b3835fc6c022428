// RFC 4180 record reader over a stream of text chunks: quoted fields may hold commas, doubled
// quotes and line breaks, and a record may be split across any chunk boundary. It keeps only the
// record being read, so memory stays flat however big the upload (S5).
import { TokenFileError } from "../token-file-row";

export type CsvRecord = {
  /** Physical line (1-based) where the record starts, so reports point where a person looks. */
  line: number;
  fields: string[];
};

/** A record longer than this almost always means a quote was opened and never closed. */
export const MAX_RECORD_CHARS = 64 * 1024;

type State = "fieldStart" | "unquoted" | "quoted" | "quoteInQuoted";

export async function* readCsvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let state: State = "fieldStart";
  let fields: string[] = [];
  let field = "";
  let recordChars = 0;
  let line = 1;
  let recordLine = 1;
  let recordStarted = false;
  // After a CR ends a record, an LF right after it (possibly in the next chunk) is the same break.
  let skipLf = false;

  const endRecord = (): CsvRecord => {
    fields.push(field);
    const record = { line: recordLine, fields };
    fields = [];
    field = "";
    recordChars = 0;
    recordStarted = false;
    state = "fieldStart";
    line += 1;
    return record;
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const char = chunk[i] as string;
      if (skipLf) {
        skipLf = false;
        if (char === "\n") continue;
      }
      if (!recordStarted) {
        recordStarted = true;
        recordLine = line;
      }
      if (++recordChars > MAX_RECORD_CHARS) {
        throw new TokenFileError(
          "row-too-long",
          `The row starting on line ${recordLine} is longer than ${MAX_RECORD_CHARS} characters; a closing quote (") is probably missing.`,
        );
      }

      if (state === "quoted") {
        if (char === '"') state = "quoteInQuoted";
        else {
          field += char;
          if (char === "\n") line += 1;
        }
        continue;
      }
      if (state === "quoteInQuoted") {
        if (char === '"') {
          field += '"';
          state = "quoted";
          continue;
        }
        // The closing quote: fall through to handle what follows it like an unquoted character.
        state = "unquoted";
      }

      if (char === ",") {
        fields.push(field);
        field = "";
        state = "fieldStart";
      } else if (char === "\n" || char === "\r") {
        skipLf = char === "\r";
        yield endRecord();
      } else if (char === '"' && state === "fieldStart") {
        state = "quoted";
      } else {
        // Lenient like spreadsheets: a stray quote inside an unquoted field is kept as text.
        field += char;
        state = "unquoted";
      }
    }
  }

  if (state === "quoted") {
    throw new TokenFileError(
      "unclosed-quote",
      `The quoted value that starts in the row on line ${recordLine} is never closed: a closing quote (") is missing.`,
    );
  }
  // A final line without a line break is still a record; a trailing line break adds nothing.
  if (recordStarted) yield endRecord();
}
