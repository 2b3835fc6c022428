import { clientIpAddress } from "@/lib/shared/client-address";
import { answerVerifyRequest, VERIFY_BODY_LIMIT_BYTES } from "@/lib/server/verify-endpoint";

export const dynamic = "force-dynamic";

/**
 * The verification API for relying services (lib/server/verify-endpoint.ts). `npm start` answers
 * POST /api/verify before Next.js (serve-portal.mjs) with the same answerVerifyRequest; this route
 * serves it wherever Next.js is reached some other way, with the same answers.
 */
export async function POST(request: Request) {
  const answer = await answerVerifyRequest({
    authorization: request.headers.get("authorization"),
    readBody: async () => {
      if (Number(request.headers.get("content-length") ?? 0) > VERIFY_BODY_LIMIT_BYTES) return null;
      const text = await request.text();
      return Buffer.byteLength(text) > VERIFY_BODY_LIMIT_BYTES ? null : text;
    },
    ipAddress: clientIpAddress(request.headers),
  });
  return Response.json(answer.body, { status: answer.status, headers: answer.headers });
}
