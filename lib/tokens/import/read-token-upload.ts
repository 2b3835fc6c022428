import { createUploadDecipher, decryptSecret } from "../../crypto/secret-box";
import type { DatabaseOrTransaction } from "../../db/client";
import type { PskcKeyMaterial } from "./store-token-upload";
import { openUploadChunkReader } from "./upload-chunk-reader";

/**
 * Streams a stored upload back, decrypted, one 1 MB chunk at a time. The GCM tag is checked at
 * the end: a file altered in the database throws instead of finishing.
 */
export async function* readTokenUpload(options: { db: DatabaseOrTransaction; importId: string }): AsyncGenerator<Buffer> {
  const upload = await options.db.tokenImport.findUniqueOrThrow({
    where: { id: options.importId },
    select: { fileIv: true, fileAuthTag: true },
  });
  const [keyId, ivHex] = upload.fileIv.includes(":") ? upload.fileIv.split(":") : [undefined, upload.fileIv];
  const decipher = createUploadDecipher({ iv: Buffer.from(ivHex, "hex"), authTag: Buffer.from(upload.fileAuthTag, "hex"), keyId });
  const chunks = openUploadChunkReader(options.db, options.importId);
  try {
    for (let position = 0; ; position++) {
      const data = await chunks.read(position);
      if (data === undefined) break;
      const plain = decipher.update(Buffer.from(data, "base64"));
      if (plain.length > 0) yield plain;
    }
  } finally {
    chunks.close();
  }
  const rest = decipher.final();
  if (rest.length > 0) yield rest;
}

/** The PSKC key or passphrase typed at upload, if any. */
export function keyMaterialOf(encrypted: string | null): PskcKeyMaterial {
  return encrypted ? (JSON.parse(decryptSecret(encrypted).toString("utf8")) as PskcKeyMaterial) : {};
}
