import { ApiError, apiErrors } from "./graph-error";

/** The largest request body the API reads (a batch of 1,000 devices is about 250 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON request body: `Content-Type: application/json` (else 415), at most MAX_BODY_BYTES
 * (else 413 — counted as the bytes arrive, so a lying or missing Content-Length doesn't help),
 * well-formed JSON (else 400). Never a 500 for what the client sent.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(415, "UnsupportedMediaType", `Send the body as JSON with 'Content-Type: application/json'${type ? ` (not ${type})` : ""}.`);
  }
  const tooLarge = new ApiError(413, "Request_EntityTooLarge", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB. Send at most 1,000 devices per request.`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || !value) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge;
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw apiErrors.badRequest("The request body is empty: send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw apiErrors.badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}
