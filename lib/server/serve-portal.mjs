// Serves the built portal (`npm start`; `--dev` for `npm run dev`): Next.js's own request handler
// behind a plain Node HTTP server, so each request can carry the address of the socket it came
// from. Next.js doesn't expose that address to route handlers and server actions: it only fills
// X-Forwarded-For with it when the client sent none, so a client's own X-Forwarded-For would
// otherwise be taken as its address. Here every request gets `x-portal-peer: <stamp> <address>`,
// overwriting anything the client sent; the stamp is random per process, so lib/auth/
// request-context.ts (which then applies TRUSTED_PROXIES) can tell our header from a forged one
// even if the portal were served some other way.
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import http from "node:http";
import next from "next";
import { tsImport } from "tsx/esm/api";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
process.env.PORTAL_PEER_STAMP = crypto.randomBytes(16).toString("hex");

// The OpenID Connect provider (oidc-provider) is mounted here, beside Next.js rather than in a
// route handler: it is a Node (Koa) application that wants Node's own request and response, and
// its redirects, cookies and form posts are its own protocol, not pages. Its paths (/oidc/…,
// /.well-known/openid-configuration) go to it; everything else to Next.js. It is TypeScript in
// lib/oidc, loaded through tsx, so `npm start`, the e2e and the scale-out servers all serve it.
const app = next({ dev, dir: process.cwd(), port });
const handle = app.getRequestHandler();
await app.prepare();
// After prepare(): the provider shares lib code that touches Next's request storage, which Next
// sets up while preparing.
const { handleOidcRequest } = await tsImport("../oidc/oidc-server.ts", import.meta.url);
// The verification API (POST /api/verify) is answered here, before Next.js, with the same answers
// as its route (lib/server/verify-endpoint.ts says why); its other methods go on to Next.js (405).
const { serveVerifyRequest } = await tsImport("./verify-endpoint.ts", import.meta.url);
// Each request gets an id of ours (a client's own X-Request-Id is replaced): it is in every log
// line the request writes (lib/shared/logger.ts reads this store, shared through the global
// symbol because Next.js bundles its own copy of that module), in the X-Request-Id response
// header, and, when the request fails, in the error line whose digest the error page shows.
const requestContext = (globalThis[Symbol.for("portal.requestContext")] ??= new AsyncLocalStorage());
const server = http.createServer((request, response) => {
  const requestId = crypto.randomUUID();
  request.headers["x-portal-peer"] = `${process.env.PORTAL_PEER_STAMP} ${request.socket.remoteAddress ?? ""}`;
  request.headers["x-request-id"] = requestId;
  response.setHeader("X-Request-Id", requestId);
  requestContext.run({ requestId }, () => {
    if (request.method === "POST" && (request.url === "/api/verify" || request.url?.startsWith("/api/verify?"))) return serveVerifyRequest(request, response).catch(() => response.destroy());
    return handleOidcRequest(request, response).then((served) => {
      if (!served) handle(request, response);
    });
  });
});
// A line for the person who ran `npm start`, beside the start command's own (not a log event).
server.listen(port, () => console.log(`› Ready on port ${port}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
