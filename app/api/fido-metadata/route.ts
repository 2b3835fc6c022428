import { clientIpAddress } from "@/lib/shared/client-address";
import { authorizeRoute } from "@/lib/server/route-access";
import { getDb } from "@/lib/db/client";
import { FIDO_METADATA_MAX_BYTES, uploadFidoMetadataBlob } from "@/lib/webauthn/fido-metadata";
import { logger } from "@/lib/shared/logger";

export const dynamic = "force-dynamic";

const TOO_LARGE = `The file is larger than ${FIDO_METADATA_MAX_BYTES / 1024 / 1024} MB: that is not a FIDO metadata BLOB. Nothing was changed.`;

/** The body, or null once it grows past the cap (read in chunks, so a huge body is never held whole). */
async function readCapped(request: Request): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? 0) > FIDO_METADATA_MAX_BYTES) return null;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > FIDO_METADATA_MAX_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Upload the FIDO Alliance Metadata Service (MDS3) BLOB: the request body is the blob.jwt file.
 * A route rather than a server action because the real BLOB is bigger than a server action's
 * 1 MB body. Authentication Policy and Global Administrators (policies.manage); same origin only.
 */
export async function POST(request: Request) {
  const access = await authorizeRoute(request, "policies.manage");
  if (!access.ok) return access.response;
  const blob = await readCapped(request);
  if (!blob) return Response.json({ error: TOO_LARGE }, { status: 413 });
  try {
    const result = await uploadFidoMetadataBlob({ db: getDb(), blob, actor: { id: access.user.id, upn: access.user.upn, ipAddress: clientIpAddress(request.headers) } });
    if (!result.ok) return Response.json({ error: result.reason }, { status: 400 });
    const { serial, nextUpdate, entryCount } = result.summary;
    return Response.json({ serial, nextUpdate: nextUpdate.toISOString().slice(0, 10), entryCount }, { status: 201 });
  } catch (error) {
    logger().error({ err: error }, "FIDO metadata upload failed");
    return Response.json({ error: "The BLOB could not be stored. Try again; if it keeps failing, check the server log." }, { status: 503 });
  }
}
