import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An application's redirect URI for the e2e: a small page of the test's own ("Back at the app"),
 * since Chromium doesn't ask a Playwright route handler for the target of a redirect, so a real
 * server has to answer. The test redeems the code itself (openid-client).
 */
export async function startAppCallbackPage(): Promise<{ redirectUri: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<h1>Back at the app</h1>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    redirectUri: `http://localhost:${(server.address() as AddressInfo).port}/callback`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
