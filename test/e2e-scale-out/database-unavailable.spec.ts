// The database goes away under a running production server, then comes back. The server reaches
// PostgreSQL through a TCP proxy owned by this test, so the link can be cut (every open
// connection reset, new ones refused) without stopping the PostgreSQL server others share.
import net from "node:net";
import { expect, test } from "@playwright/test";
import { enterPassword, expectOnSecurityInfo, makeUser } from "../e2e/helpers";
import { freePort, startPortalInstance, type PortalInstance } from "./portal-instance";

/** A TCP relay to PostgreSQL that can drop every connection and refuse new ones until restored. */
async function startDatabaseLink(target: { host: string; port: number }) {
  let cut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    cut: () => {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore: () => {
      cut = false;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const DATABASE_DOWN = "The portal can't reach its database. Try again in a minute.";

let server: PortalInstance;
let link: Awaited<ReturnType<typeof startDatabaseLink>>;

test.beforeAll(async () => {
  const database = new URL(process.env.DATABASE_URL!);
  link = await startDatabaseLink({ host: database.hostname, port: Number(database.port || 5432) });
  const throughLink = new URL(database);
  throughLink.hostname = "127.0.0.1";
  throughLink.port = String(link.port);
  server = await startPortalInstance({ name: "server behind the database link", env: { DATABASE_URL: throughLink.toString() } });
});

test.afterAll(async () => {
  await server?.stop();
  await link?.close();
});

test("without its database the portal answers with a clear error and a 503 health, stays up, and recovers", async ({ browser }) => {
  const user = await makeUser();
  const page = await (await browser.newContext({ baseURL: server.url })).newPage();
  await enterPassword(page, user.upn, user.password);
  await expectOnSecurityInfo(page);
  expect((await page.request.get("/api/health")).status()).toBe(200);

  link.cut();

  // Health says why, with 503.
  const health = await page.request.get("/api/health");
  expect(health.status()).toBe(503);
  expect(await health.json()).toMatchObject({ status: "degraded", database: { ok: false, error: "The database is not reachable." } });

  // A signed-in page: an error page that says what is wrong and what to do, no stack trace.
  const response = await page.goto("/mysecurityinfo");
  expect(response!.status()).toBe(500);
  await expect(page.getByText(DATABASE_DOWN)).toBeVisible();
  expect(await page.content()).not.toMatch(/at .*\.(js|ts):\d+|PrismaClient|ECONNRESET|ECONNREFUSED|Error: /);
  // The page's Reference leads to the server's JSON error line for this very request (its id is
  // the response's X-Request-Id), and that id to the request's other lines.
  const reference = /Reference: (\S+)/.exec(await page.getByText(/^Reference: /).innerText())?.[1];
  expect(reference, "the error page shows a Reference").toBeDefined();
  const requestId = response!.headers()["x-request-id"];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const logLines = () => server.log().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
  await expect.poll(() => logLines().find((line) => line.digest === reference && line.requestId === requestId)).toMatchObject({ level: "error", msg: "Request failed", path: "/mysecurityinfo" });
  expect(logLines().filter((line) => line.requestId === requestId).length).toBeGreaterThanOrEqual(1);

  // Signing in again: the password step's server action fails the same clear way.
  await page.context().clearCookies();
  await enterPassword(page, user.upn, user.password);
  await expect(page.getByText(DATABASE_DOWN)).toBeVisible();

  // Nothing crashed: the same process still serves (its background jobs' failed queries included).
  expect(server.running()).toBe(true);
  expect((await page.request.get("/api/health")).status()).toBe(503);

  link.restore();

  // Service resumes on its own: health, then a whole sign-in and the signed-in page.
  await expect.poll(async () => (await page.request.get("/api/health")).status(), { timeout: 30_000 }).toBe(200);
  await enterPassword(page, user.upn, user.password);
  await expectOnSecurityInfo(page);
  expect(server.running()).toBe(true);
  expect(server.log()).not.toMatch(/uncaughtException|unhandledRejection/);
  await page.context().close();
});
