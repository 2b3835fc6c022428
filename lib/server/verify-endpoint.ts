import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { clientIpAddress } from "../shared/client-address";
import { getDb } from "../db/client";
import { presentsVerificationApiKey, verificationApiKey } from "../verification-api/verification-api-key";
import { verifyCodeForRelyingService } from "../verification-api/verify-code-for-relying-service";
import { errorMessage, logger } from "../shared/logger";
import { JSON_API_SECURITY_HEADERS } from "../shared/json-api-headers.mjs";

const verifyRequest = z.object({
  upn: z.string({ error: "upn is required: the user's sign-in name, e.g. alice@contoso.example." }).trim().min(1, "upn is empty: send the user's sign-in name.").max(256, "upn is longer than 256 characters."),
  code: z
    .string({ error: "code is required, as a string of digits (\"012345\")." })
    .transform((code) => code.replace(/[\s\-\u00a0]/g, ""))
    .refine((code) => /^(\d{6}|\d{8})$/.test(code), "code must be the 6 or 8 digits the token shows, sent as a string."),
}, { error: 'The body must be a JSON object: { "upn": "…", "code": "…" }.' });

/** `{ upn, code }` is well under a kilobyte; a bigger body is refused unread rather than buffered. */
export const VERIFY_BODY_LIMIT_BYTES = 16 * 1024;

const NO_STORE = { "Cache-Control": "no-store" };

export type VerifyAnswer = { status: number; body: unknown; headers: Record<string, string> };

/**
 * The verification API for relying services (VPN and RADIUS gateways): `POST { upn, code }`
 * with `Authorization: Bearer <VERIFY_API_KEY>` answers `{ result: "accepted" }` or
 * `{ result: "rejected", reason }`. A machine API: the key, not a session or the Origin,
 * decides who may call it (so no same-origin check); without the key configured it doesn't exist.
 *
 * One answer for both ways in — the Next.js route (app/api/verify) and serve-portal.mjs, which
 * answers POST /api/verify itself before Next.js (serveVerifyRequest below) — so they can't drift.
 * `readBody` gives the body's text, or null when it is over VERIFY_BODY_LIMIT_BYTES; it is read
 * only after the key was checked.
 */
export async function answerVerifyRequest(options: { authorization: string | null; readBody: () => Promise<string | null>; ipAddress: string }): Promise<VerifyAnswer> {
  const key = verificationApiKey();
  if (!key) return { status: 404, body: { error: "Not found." }, headers: NO_STORE };
  if (!presentsVerificationApiKey(options.authorization, key)) {
    return {
      status: 401,
      body: { error: "Send the verification API key as 'Authorization: Bearer <key>'." },
      headers: { ...NO_STORE, "WWW-Authenticate": 'Bearer realm="verify"' },
    };
  }
  const text = await options.readBody();
  if (text === null) {
    return { status: 413, body: { error: `The body is larger than ${VERIFY_BODY_LIMIT_BYTES / 1024} KB: send only { "upn": "…", "code": "…" }.` }, headers: NO_STORE };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: 400, body: { error: "The body must be JSON: { \"upn\": \"…\", \"code\": \"…\" }." }, headers: NO_STORE };
  }
  const parsed = verifyRequest.safeParse(body);
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return { status: 400, body: { error: formErrors[0] ?? "Check the fields named in fieldErrors.", fieldErrors }, headers: NO_STORE };
  }
  try {
    const verdict = await verifyCodeForRelyingService({ db: getDb(), ...parsed.data, ipAddress: options.ipAddress });
    return { status: 200, body: verdict, headers: NO_STORE };
  } catch (error) {
    logger().error({ err: errorMessage(error) }, "Code verification failed");
    return { status: 503, body: { error: "The code could not be checked right now. Try again shortly." }, headers: NO_STORE };
  }
}

/** The headers proxy.ts gives every answer it handles, for a JSON answer (no page, so no nonce: nothing may load). */
function securityHeaders(forwardedProto: string | undefined): Record<string, string> {
  return {
    ...JSON_API_SECURITY_HEADERS,
    ...(forwardedProto === "https" ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** The body as text, or null (and the rest left unread) once it passes the limit. */
function readLimitedBody(request: IncomingMessage): Promise<string | null> {
  if (Number(request.headers["content-length"] ?? 0) > VERIFY_BODY_LIMIT_BYTES) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > VERIFY_BODY_LIMIT_BYTES) {
        request.off("data", onData);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
}

/**
 * POST /api/verify straight from Node's request, ahead of Next.js (serve-portal.mjs). The check
 * itself costs well under a millisecond of CPU; routing it through Next.js (the proxy with its
 * copy of the body, the route's Request and Response objects) cost about as much again on top of
 * it, and the verification API's throughput is the one a VPN's sign-ins wait on (issue 18). The
 * answer is answerVerifyRequest's, with proxy.ts's security headers; the caller's address comes
 * from the x-portal-peer stamp serve-portal.mjs has just written, as for every other request.
 */
export async function serveVerifyRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const addressHeaders = new Headers();
  for (const name of ["x-portal-peer", "x-forwarded-for"]) {
    const value = request.headers[name];
    if (value !== undefined) addressHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  let answer: VerifyAnswer;
  try {
    answer = await answerVerifyRequest({
      authorization: request.headers.authorization ?? null,
      readBody: () => readLimitedBody(request),
      ipAddress: clientIpAddress(addressHeaders),
    });
  } catch (error) {
    // The body could not be read (the client went away) or the address setting is malformed.
    logger().error({ err: errorMessage(error) }, "Code verification request failed");
    answer = { status: 503, body: { error: "The code could not be checked right now. Try again shortly." }, headers: NO_STORE };
  }
  if (response.destroyed) return;
  const payload = JSON.stringify(answer.body);
  const forwardedProto = request.headers["x-forwarded-proto"];
  response.writeHead(answer.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
    ...securityHeaders(Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto),
    ...answer.headers,
  });
  response.end(payload);
}
