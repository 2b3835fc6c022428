import { clientIpAddress } from "@/lib/shared/client-address";
import { authorizeRoute } from "@/lib/server/route-access";
import { getDb } from "@/lib/db/client";
import { runTokenImport } from "@/lib/tokens/import/run-token-import";
import { storeTokenUpload } from "@/lib/tokens/import/store-token-upload";
import { INLINE_IMPORT_MAX_BYTES, startTokenImportInBackground } from "@/lib/tokens/import/token-import-jobs";
import { TokenFileError } from "@/lib/tokens/token-file-row";
import { logger } from "@/lib/shared/logger";

export const dynamic = "force-dynamic";

/**
 * Upload a token file: the request body is the file itself (streamed, never buffered whole),
 * `?fileName=` its name, and the PSKC key or passphrase, when needed, in `X-Pskc-Key` /
 * `X-Pskc-Passphrase`, and `X-Accept-Expired: true` to import PSKC keys whose ExpiryDate is past.
 * Small files are imported before answering; big ones become a job.
 */
export async function POST(request: Request) {
  const access = await authorizeRoute(request, "tokens.upload");
  if (!access.ok) return access.response;
  if (!request.body) return Response.json({ error: "Choose a file to upload." }, { status: 400 });
  const fileName = new URL(request.url).searchParams.get("fileName") ?? "upload.csv";
  const db = getDb();
  try {
    const stored = await storeTokenUpload({
      db,
      fileName,
      body: request.body as unknown as AsyncIterable<Uint8Array>,
      keyMaterial: {
        preSharedKeyHex: request.headers.get("x-pskc-key")?.trim() || undefined,
        passphrase: request.headers.get("x-pskc-passphrase") || undefined,
      },
      acceptExpired: request.headers.get("x-accept-expired") === "true",
      actor: { id: access.user.id, upn: access.user.upn, ipAddress: clientIpAddress(request.headers) },
    });
    if (stored.fileBytes <= INLINE_IMPORT_MAX_BYTES) {
      await runTokenImport({ db, importId: stored.importId });
      return Response.json({ importId: stored.importId }, { status: 201 });
    }
    startTokenImportInBackground({ db, importId: stored.importId });
    return Response.json({ importId: stored.importId }, { status: 202 });
  } catch (error) {
    if (error instanceof TokenFileError) return Response.json({ error: error.message }, { status: error.code === "too-large" ? 413 : 400 });
    logger().error({ err: error }, "Token upload failed");
    return Response.json({ error: "The upload could not be stored. Try again; if it keeps failing, check the server log." }, { status: 500 });
  }
}
