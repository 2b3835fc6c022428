import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { waitForPortalHealth } from "../../../lib/cli/wait-for-portal";

// `npm start` prints where to sign in only once the server it started says it can serve, and
// otherwise stops with the server's reason. Here a plain HTTP server plays the portal's health route.

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: http.Server, port = 0): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "localhost", resolve));
  return (server.address() as AddressInfo).port;
}

function healthServer(status: number, body: unknown): http.Server {
  return http.createServer((_request, response) => {
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body));
  });
}

describe("waiting for the started server", () => {
  it("asks again while nothing listens, and is ok once health answers 200", async () => {
    const port = await listen(http.createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const waiting = waitForPortalHealth({ healthUrl: `http://localhost:${port}/api/health`, timeoutMs: 30_000, serverExited: () => false });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await listen(healthServer(200, { status: "ok", database: { ok: true } }), port);
    expect(await waiting).toEqual({ ok: true });
  });

  it("stops with the reason the health route gives", async () => {
    const port = await listen(healthServer(503, { status: "degraded", database: { ok: false, error: "database schema not migrated: 10 pending" } }));
    expect(await waitForPortalHealth({ healthUrl: `http://localhost:${port}/api/health`, timeoutMs: 30_000, serverExited: () => false })).toEqual({
      ok: false,
      reason: "database schema not migrated: 10 pending",
    });
  });

  it("stops when the server exits or never answers", async () => {
    const port = await listen(http.createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const healthUrl = `http://localhost:${port}/api/health`;
    expect(await waitForPortalHealth({ healthUrl, timeoutMs: 30_000, serverExited: () => true })).toEqual({ ok: false, reason: "the server stopped before it answered" });
    expect(await waitForPortalHealth({ healthUrl, timeoutMs: 1_000, serverExited: () => false })).toEqual({ ok: false, reason: `the server did not answer ${healthUrl} within 1 s` });
  });
});
