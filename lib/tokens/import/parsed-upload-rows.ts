import type { DatabaseOrTransaction } from "../../db/client";
import { parseTokenCsvBatches } from "../csv/parse-token-csv";
import { parsePskc, PSKC_ORIGINAL_COLUMNS } from "../pskc/parse-pskc";
import type { ParsedRow } from "../token-file-row";
import { keyMaterialOf, readTokenUpload } from "./read-token-upload";
import { uploadLimits } from "./upload-limits";

/**
 * The rows of a stored upload, parsed, in arrays (one per piece of the file read): CSV streamed
 * straight from the encrypted chunks, PSKC (an XML document, capped smaller) read whole and
 * decrypted with the key typed at upload. `onColumns` receives the original column names for
 * the failures file.
 */
export async function* parsedUploadRowBatches(options: {
  db: DatabaseOrTransaction;
  upload: { id: string; format: string; encryptedKeyMaterial: string | null; acceptExpired: boolean };
  onColumns: (columns: string[]) => void;
  now?: Date;
}): AsyncGenerator<ParsedRow[]> {
  const { db, upload } = options;
  const { maxRows } = uploadLimits();
  const file = readTokenUpload({ db, importId: upload.id });
  if (upload.format === "csv") {
    yield* parseTokenCsvBatches({ input: file, maxRows, onHeader: options.onColumns });
    return;
  }
  const pieces: Buffer[] = [];
  for await (const piece of file) pieces.push(piece);
  options.onColumns(PSKC_ORIGINAL_COLUMNS);
  const { rows } = parsePskc({
    xml: Buffer.concat(pieces),
    ...keyMaterialOf(upload.encryptedKeyMaterial),
    acceptExpired: upload.acceptExpired,
    now: options.now,
    maxRows,
  });
  yield rows;
}
