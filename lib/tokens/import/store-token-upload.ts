import { writeAuditEvent, type AuditActor } from "../../audit/write-audit-event";
import { createUploadCipher, encryptSecret } from "../../crypto/secret-box";
import type { Database } from "../../db/client";
import { rowsOfCleanCsv, csvShapeCounter } from "../csv/csv-shape";
import { TokenFileError } from "../token-file-row";
import { openUploadChunkWriter } from "./upload-chunk-writer";
import { describeBytes, uploadLimits, UPLOAD_RESULT_DAYS } from "./upload-limits";

const CHUNK_BYTES = 1024 * 1024;

export type TokenFileFormat = "csv" | "pskc";
export type PskcKeyMaterial = { preSharedKeyHex?: string; passphrase?: string };

/** The format from the name, or from the first byte when the name says nothing (`<` = XML). */
export function detectTokenFileFormat(fileName: string, firstBytes: Uint8Array): TokenFileFormat {
  if (/\.(xml|pskc)$/i.test(fileName)) return "pskc";
  if (/\.(csv|txt)$/i.test(fileName)) return "csv";
  const text = Buffer.from(firstBytes.subarray(0, 64)).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  return text.startsWith("<") ? "pskc" : "csv";
}

/**
 * Receives an uploaded token file as a stream and keeps it, encrypted under the seed key, in
 * 1 MB chunks in the database — so memory stays flat and any instance can run or resume the
 * import. Refuses a file over the size cap (nothing is kept then).
 */
export async function storeTokenUpload(options: {
  db: Database;
  fileName: string;
  body: AsyncIterable<Uint8Array>;
  keyMaterial?: PskcKeyMaterial;
  /** Import PSKC keys whose Policy ExpiryDate is past; recorded in the audit events. */
  acceptExpired?: boolean;
  actor: AuditActor;
  now?: Date;
}): Promise<{ importId: string; format: TokenFileFormat; fileBytes: number }> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const limits = uploadLimits();
  const fileName = options.fileName.replace(/^.*[\\/]/, "").slice(0, 200) || "upload.csv";
  const keyMaterial = options.keyMaterial?.preSharedKeyHex || options.keyMaterial?.passphrase ? options.keyMaterial : undefined;
  const { iv, keyId, cipher } = createUploadCipher();
  const upload = await db.tokenImport.create({
    data: {
      fileName,
      format: "csv",
      status: "receiving",
      createdById: actor.id,
      createdByUpn: actor.upn,
      // "<key id>:<iv>": which seed key sealed the file (see readTokenUpload).
      fileIv: `${keyId}:${iv.toString("hex")}`,
      encryptedKeyMaterial: keyMaterial ? encryptSecret(Buffer.from(JSON.stringify(keyMaterial))) : null,
      acceptExpired: options.acceptExpired ?? false,
      expiresAt: new Date(now.getTime() + UPLOAD_RESULT_DAYS * 86_400_000),
    },
  });

  let format: TokenFileFormat | undefined;
  let fileBytes = 0;
  let position = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (final: boolean) => {
    if (pendingBytes === 0 && !final) return;
    const data = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    if (data.length > 0) await chunks.write(upload.id, position++, data.toString("base64"));
  };
  const chunks = openUploadChunkWriter(db);
  // Counted as the bytes pass, so the import needn't read a clean CSV once more before its rows.
  const shape = csvShapeCounter();
  try {
    for await (const piece of options.body) {
      format ??= detectTokenFileFormat(fileName, piece);
      if (format === "csv") shape.add(piece);
      fileBytes += piece.length;
      const cap = format === "pskc" ? limits.maxPskcBytes : limits.maxBytes;
      if (fileBytes > cap) {
        throw new TokenFileError("too-large", `The file is larger than ${describeBytes(cap)}, the most one upload may be; split it into smaller files.`);
      }
      const sealed = cipher.update(piece);
      pending.push(sealed);
      pendingBytes += sealed.length;
      if (pendingBytes >= CHUNK_BYTES) await flush(false);
    }
    if (fileBytes === 0) throw new TokenFileError("empty", "The file is empty. Choose an Entra-format CSV or a PSKC (XML) file.");
    pending.push(cipher.final());
    pendingBytes += 1;
    await flush(true);
  } catch (error) {
    await db.tokenImport.delete({ where: { id: upload.id } });
    throw error;
  } finally {
    chunks.close();
  }
  await db.$transaction(async (tx) => {
    await tx.tokenImport.update({
      where: { id: upload.id },
      data: {
        status: "queued",
        format,
        fileBytes,
        fileAuthTag: cipher.getAuthTag().toString("hex"),
        // Known now only for a CSV whose bytes rule out a whole-file refusal (runTokenImport).
        totalRows: format === "csv" ? (rowsOfCleanCsv(shape.shape(), limits.maxRows) ?? 0) : 0,
      },
    });
    await writeAuditEvent({
      db: tx,
      actor,
      action: "Upload hardware tokens",
      target: { type: "tokenImport", id: upload.id, label: fileName },
      details: { format: format ?? "csv", bytes: fileBytes, ...(options.acceptExpired ? { acceptExpired: true } : {}) },
    });
  });
  return { importId: upload.id, format: format ?? "csv", fileBytes };
}
