// Serves the built portal (`npm start`; `--dev` for `npm run dev`): Next.js's own request handler
// behind a plain Node HTTP server, so each request can carry the address of the socket it came
// from. Next.js doesn't expose that address to route handlers and server actions: it only fills
// X-Forwarded-For with it when the client sent none, so a client's own X-Forwarded-For would
// otherwise be taken as its address. Here every request gets `x-portal-peer: <stamp> <address>`,
// overwriting anything the client sent; the stamp is random per process, so lib/auth/
// request-context.ts (which then applies TRUSTED_PROXIES) can tell our header from a forged one
// even if the portal were served some other way.
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
const server = http.createServer((request, response) => {
  request.headers["x-portal-peer"] = `${process.env.PORTAL_PEER_STAMP} ${request.socket.remoteAddress ?? ""}`;
  handleOidcRequest(request, response).then((served) => {
    if (!served) handle(request, response);
  });
});
server.listen(port, () => console.log(`› Ready on port ${port}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
