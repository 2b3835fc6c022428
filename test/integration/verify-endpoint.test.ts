import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "../../app/api/verify/route";
import { getDb } from "../../lib/db/client";
import { serveVerifyRequest, VERIFY_BODY_LIMIT_BYTES } from "../../lib/server/verify-endpoint";
import { makeToken, makeUser, tokenCode, wrongCode } from "../support/factories";

// serve-portal.mjs answers POST /api/verify itself, before Next.js: the same handler here behind a
// real Node HTTP server (real sockets, the real database), checked against the Next.js route's
// answers for the same requests so the two ways in can't drift apart.
const db = getDb();
const KEY = "test-verify-endpoint-key-0123456789";
process.env.PORTAL_PEER_STAMP ??= "verify-endpoint-test-stamp";

let server: http.Server;
let base = "";
beforeAll(async () => {
  // As serve-portal.mjs does: our stamp with the socket's address, overwriting the client's.
  server = http.createServer((request, response) => {
    request.headers["x-portal-peer"] = `${process.env.PORTAL_PEER_STAMP} ${request.socket.remoteAddress ?? ""}`;
    void serveVerifyRequest(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

type Call = { body?: string; key?: string | null };
const headersOf = (call: Call) => ({ "Content-Type": "application/json", ...(call.key === null ? {} : { Authorization: `Bearer ${call.key ?? KEY}` }) });
const overNode = (call: Call) => fetch(`${base}/api/verify`, { method: "POST", headers: headersOf(call), body: call.body ?? "" });
const overRoute = (call: Call) =>
  POST(new Request("http://portal.test/api/verify", { method: "POST", headers: { ...headersOf(call), "X-Portal-Peer": `${process.env.PORTAL_PEER_STAMP} 127.0.0.1` }, body: call.body ?? "" }));

async function userWithToken() {
  const user = await makeUser();
  const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
  return { user, token };
}

describe("POST /api/verify served before Next.js (lib/server/verify-endpoint.ts)", () => {
  beforeEach(() => {
    process.env.VERIFY_API_KEY = KEY;
  });
  afterEach(() => {
    delete process.env.VERIFY_API_KEY;
  });

  it("accepts a code once, then answers replayed; JSON, no-store and the security headers; audited with the socket's address", async () => {
    const { user, token } = await userWithToken();
    const code = tokenCode(token, new Date());
    const accepted = await overNode({ body: JSON.stringify({ upn: user.upn, code }) });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("content-type")).toBe("application/json");
    expect(accepted.headers.get("cache-control")).toBe("no-store");
    expect(accepted.headers.get("x-content-type-options")).toBe("nosniff");
    expect(accepted.headers.get("x-frame-options")).toBe("DENY");
    expect(accepted.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(await accepted.json()).toEqual({ result: "accepted" });
    const replay = await overNode({ body: JSON.stringify({ upn: user.upn, code }) });
    expect(await replay.json()).toEqual({ result: "rejected", reason: "replayed" });
    const audited = await db.auditEvent.findFirstOrThrow({ where: { actorId: user.id, action: "Verification code replayed" } });
    expect(audited.ipAddress).toBe("127.0.0.1");
  });

  it("gives the route's answers for a wrong code, an unknown user, bad JSON, bad fields, no key and a wrong key", async () => {
    const { user, token } = await userWithToken();
    const calls: Call[] = [
      { body: JSON.stringify({ upn: user.upn, code: wrongCode(token, new Date()) }) },
      { body: JSON.stringify({ upn: "nobody-here@contoso.example", code: "123456" }) },
      { body: "not json" },
      { body: JSON.stringify({ upn: "", code: 123456 }) },
      { body: JSON.stringify({ upn: user.upn, code: "12345" }) },
      { body: JSON.stringify({ upn: user.upn, code: "123456" }), key: null },
      { body: JSON.stringify({ upn: user.upn, code: "123456" }), key: "not-the-key" },
    ];
    for (const call of calls) {
      const [node, route] = [await overNode(call), await overRoute(call)];
      expect({ call, status: node.status, body: await node.json() }).toEqual({ call, status: route.status, body: await route.json() });
      expect(node.headers.get("www-authenticate")).toBe(route.headers.get("www-authenticate"));
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(2);
  });

  it("refuses a body over the limit with 413 and verifies nothing; without VERIFY_API_KEY the API doesn't exist", async () => {
    const { user, token } = await userWithToken();
    const lastUsedStep = async () => (await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep;
    const before = await lastUsedStep();
    const padded = JSON.stringify({ upn: user.upn, code: tokenCode(token, new Date()), padding: "x".repeat(VERIFY_BODY_LIMIT_BYTES) });
    const tooBig = await overNode({ body: padded });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error).toMatch(/larger than 16 KB/);
    expect((await overRoute({ body: padded })).status).toBe(413);
    expect(await lastUsedStep()).toBe(before);
    // The code was never checked: it is still good.
    expect(await (await overNode({ body: JSON.stringify({ upn: user.upn, code: tokenCode(token, new Date()) }) })).json()).toEqual({ result: "accepted" });
    delete process.env.VERIFY_API_KEY;
    const off = await overNode({ body: JSON.stringify({ upn: user.upn, code: "123456" }) });
    expect(off.status).toBe(404);
  });
});
