// RFC 4180 record reader over a stream of text chunks: quoted fields may hold commas, doubled
// quotes and line breaks, and a record may be split across any chunk boundary. It keeps only the
// chunk being read and the record in progress, so memory stays flat however big the upload (S5).
import { TokenFileError } from "../token-file-row";

export type CsvRecord = {
  /** Physical line (1-based) where the record starts, so reports point where a person looks. */
  line: number;
  fields: string[];
};

/** A record longer than this almost always means a quote was opened and never closed. */
export const MAX_RECORD_CHARS = 64 * 1024;

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

/**
 * The records of each text chunk, as one array per chunk: a 100,000-row upload costs a few dozen
 * awaits instead of one per row. Runs of ordinary characters are sliced out of the chunk whole
 * rather than appended character by character.
 */
export async function* readCsvRecordBatches(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord[]> {
  const reader = csvRecordReader();
  for await (const chunk of chunks) {
    const records: CsvRecord[] = [];
    try {
      reader.read(chunk, records);
    } catch (error) {
      // The records before the bad one still come out first, as they would one by one.
      if (records.length > 0) yield records;
      throw error;
    }
    if (records.length > 0) yield records;
  }
  const last: CsvRecord[] = [];
  reader.end(last);
  if (last.length > 0) yield last;
}

function csvRecordReader() {
  let state = FIELD_START;
  let fields: string[] = [];
  let field = "";
  let recordChars = 0;
  let line = 1;
  let recordLine = 1;
  let recordStarted = false;
  // After a CR ends a record, an LF right after it (possibly in the next chunk) is the same break.
  let skipLf = false;

  const checkLength = () => {
    if (recordChars > MAX_RECORD_CHARS) {
      throw new TokenFileError(
        "row-too-long",
        `The row starting on line ${recordLine} is longer than ${MAX_RECORD_CHARS} characters: ${
          state === QUOTED ? 'a closing quote (") is probably missing' : "this is not a token CSV file (one token is one short line)"
        }.`,
      );
    }
  };
  const endRecord = (out: CsvRecord[]) => {
    fields.push(field);
    out.push({ line: recordLine, fields });
    fields = [];
    field = "";
    recordChars = 0;
    recordStarted = false;
    state = FIELD_START;
    line += 1;
  };

  return {
    read(chunk: string, out: CsvRecord[]): void {
      const length = chunk.length;
      let i = 0;
      while (i < length) {
        if (skipLf) {
          skipLf = false;
          if (chunk.charCodeAt(i) === LF) {
            i += 1;
            continue;
          }
        }
        if (!recordStarted) {
          recordStarted = true;
          recordLine = line;
        }

        if (state === QUOTED) {
          // Everything up to the next quote is the field's text, line breaks included.
          const quote = chunk.indexOf('"', i);
          const end = quote === -1 ? length : quote;
          recordChars += end - i + (quote === -1 ? 0 : 1);
          checkLength();
          field += chunk.slice(i, end);
          for (let lf = chunk.indexOf("\n", i); lf !== -1 && lf < end; lf = chunk.indexOf("\n", lf + 1)) line += 1;
          if (quote === -1) return;
          state = QUOTE_IN_QUOTED;
          i = quote + 1;
          continue;
        }

        const char = chunk.charCodeAt(i);
        recordChars += 1;
        checkLength();
        if (state === QUOTE_IN_QUOTED) {
          if (char === QUOTE) {
            field += '"';
            state = QUOTED;
            i += 1;
            continue;
          }
          // The closing quote: what follows it is handled like an unquoted character.
          state = UNQUOTED;
        }

        if (char === COMMA) {
          fields.push(field);
          field = "";
          state = FIELD_START;
          i += 1;
        } else if (char === LF || char === CR) {
          skipLf = char === CR;
          endRecord(out);
          i += 1;
        } else if (char === QUOTE && state === FIELD_START) {
          state = QUOTED;
          i += 1;
        } else {
          // A run of ordinary characters. Lenient like spreadsheets: a stray quote inside an
          // unquoted field is kept as text.
          let end = i + 1;
          for (; end < length; end++) {
            const next = chunk.charCodeAt(end);
            if (next === COMMA || next === LF || next === CR) break;
          }
          recordChars += end - i - 1;
          checkLength();
          field += chunk.slice(i, end);
          state = UNQUOTED;
          i = end;
        }
      }
    },

    end(out: CsvRecord[]): void {
      if (state === QUOTED) {
        throw new TokenFileError(
          "unclosed-quote",
          `The quoted value that starts in the row on line ${recordLine} is never closed: a closing quote (") is missing.`,
        );
      }
      // A final line without a line break is still a record; a trailing line break adds nothing.
      if (recordStarted) endRecord(out);
    },
  };
}
