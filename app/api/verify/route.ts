import { z } from "zod";
import { clientIpAddress } from "@/lib/shared/client-address";
import { getDb } from "@/lib/db/client";
import { presentsVerificationApiKey, verificationApiKey } from "@/lib/verification-api/verification-api-key";
import { verifyCodeForRelyingService } from "@/lib/verification-api/verify-code-for-relying-service";
import { errorMessage, logger } from "@/lib/shared/logger";

export const dynamic = "force-dynamic";

const verifyRequest = z.object({
  upn: z.string({ error: "upn is required: the user's sign-in name, e.g. alice@contoso.example." }).trim().min(1, "upn is empty: send the user's sign-in name.").max(256, "upn is longer than 256 characters."),
  code: z
    .string({ error: "code is required, as a string of digits (\"012345\")." })
    .transform((code) => code.replace(/[\s\-\u00a0]/g, ""))
    .refine((code) => /^(\d{6}|\d{8})$/.test(code), "code must be the 6 or 8 digits the token shows, sent as a string."),
}, { error: 'The body must be a JSON object: { "upn": "…", "code": "…" }.' });

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * The verification API for relying services (VPN and RADIUS gateways): `POST { upn, code }`
 * with `Authorization: Bearer <VERIFY_API_KEY>` answers `{ result: "accepted" }` or
 * `{ result: "rejected", reason }`. A machine API: the key, not a session or the Origin,
 * decides who may call it (so no same-origin check); without the key configured it doesn't exist.
 */
export async function POST(request: Request) {
  const key = verificationApiKey();
  if (!key) return Response.json({ error: "Not found." }, { status: 404, headers: NO_STORE });
  if (!presentsVerificationApiKey(request.headers.get("authorization"), key)) {
    return Response.json(
      { error: "Send the verification API key as 'Authorization: Bearer <key>'." },
      { status: 401, headers: { ...NO_STORE, "WWW-Authenticate": 'Bearer realm="verify"' } },
    );
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: "The body must be JSON: { \"upn\": \"…\", \"code\": \"…\" }." }, { status: 400, headers: NO_STORE });
  }
  const parsed = verifyRequest.safeParse(body);
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return Response.json({ error: formErrors[0] ?? "Check the fields named in fieldErrors.", fieldErrors }, { status: 400, headers: NO_STORE });
  }
  try {
    const verdict = await verifyCodeForRelyingService({ db: getDb(), ...parsed.data, ipAddress: clientIpAddress(request.headers) });
    return Response.json(verdict, { headers: NO_STORE });
  } catch (error) {
    logger().error({ err: errorMessage(error) }, "Code verification failed");
    return Response.json({ error: "The code could not be checked right now. Try again shortly." }, { status: 503, headers: NO_STORE });
  }
}
