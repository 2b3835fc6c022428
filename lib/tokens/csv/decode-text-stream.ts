// Turns an upload (one string/Buffer, or a stream of chunks) into UTF-8 text chunks without ever
// holding the whole file (S5). Spreadsheets often save "Unicode text" (UTF-16) or legacy code
// pages; those are refused with a message saying how to re-save, instead of garbled rows.
import { TokenFileError } from "../token-file-row";

export type TextInput = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | string | Uint8Array;

/** Bytes looked at before deciding the encoding: enough for a BOM and a NUL-byte census. */
const SNIFF_BYTES = 64;

const SAVE_AS_UTF8 = 'save it as UTF-8 ("CSV UTF-8 (Comma delimited)" in Excel)';

export async function* decodeTextStream(input: TextInput): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let head: Buffer | null = Buffer.alloc(0);

  for await (const chunk of toChunks(input)) {
    let bytes: Buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    if (head !== null) {
      // Wait for enough bytes to sniff, so a 1-byte first chunk can't hide a BOM.
      head = Buffer.concat([head, bytes]);
      if (head.length < SNIFF_BYTES) continue;
      bytes = sniff(head);
      head = null;
    }
    const text = decode(decoder, bytes, true);
    if (text !== "") yield text;
  }
  const last = head !== null ? decode(decoder, sniff(head), false) : decode(decoder, Buffer.alloc(0), false);
  if (last !== "") yield last;
}

function sniff(head: Buffer): Buffer {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new TokenFileError("encoding", `The file is UTF-16 ("Unicode") text: ${SAVE_AS_UTF8}.`);
  }
  let nuls = 0;
  for (let at = head.indexOf(0); at !== -1; at = head.indexOf(0, at + 1)) nuls += 1;
  if (nuls > 0) {
    // UTF-16 without a BOM puts a NUL next to every ASCII character.
    throw new TokenFileError(
      "encoding",
      nuls * 4 >= head.length
        ? `The file looks like UTF-16 ("Unicode") text: ${SAVE_AS_UTF8}.`
        : "The file contains NUL bytes: it is not a text CSV file.",
    );
  }
  const hasBom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  return hasBom ? head.subarray(3) : head;
}

function decode(decoder: TextDecoder, bytes: Uint8Array, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw new TokenFileError(
      "encoding",
      `The file is not valid UTF-8 text (perhaps saved as ANSI/Windows-1252): ${SAVE_AS_UTF8}.`,
    );
  }
}

async function* toChunks(input: TextInput): AsyncGenerator<Uint8Array | string> {
  if (typeof input === "string" || input instanceof Uint8Array) {
    yield input;
    return;
  }
  yield* input;
}
