import { getDb } from "@/lib/db/client";
import { handleApiRequest } from "@/lib/api/handle-api-request";

export const dynamic = "force-dynamic";

/**
 * The automation API (/api/v1/…, shaped like Microsoft Graph; contract at /api/v1/openapi.json).
 * A machine API: the bearer access token decides who may call it, not a session or the Origin.
 * Everything — routing, token, rate limit, permissions, validation, errors — is lib/api's.
 */
function handle(request: Request): Promise<Response> {
  return handleApiRequest({ db: getDb(), request });
}

export const GET = handle;
export const POST = handle;
export const PATCH = handle;
export const DELETE = handle;
// PUT is answered (405 with Allow) rather than left to Next.js's bare 405.
export const PUT = handle;
