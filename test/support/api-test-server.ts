import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import createClient from "openapi-fetch";
import { handleApiRequest } from "../../lib/api/handle-api-request";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { apiAudience, setApplicationApiPermission, type ApiPermission } from "../../lib/oidc/api-permissions";
import { registerApplication } from "../../lib/oidc/applications";
import { createOidcRequestHandler } from "../../lib/oidc/oidc-server";
import { unique } from "./factories";
import type { paths } from "./generated/automation-api";

/** The request's body as a web stream; what arrives after the reader gave up (a refused 10 MB body) is discarded. */
function requestBody(request: http.IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream({
    start(controller) {
      request.on("data", (chunk: Buffer) => {
        if (open) controller.enqueue(new Uint8Array(chunk));
      });
      request.on("end", () => {
        if (open) controller.close();
        open = false;
      });
      request.on("error", (error) => {
        if (open) controller.error(error);
        open = false;
      });
    },
    cancel() {
      open = false;
    },
  });
}

/**
 * The portal's OpenID Connect provider and automation API over real HTTP, as the portal serves
 * them: the provider's paths through handleOidcRequest (lib/server/serve-portal.mjs), /api/v1
 * through the same handleApiRequest the route handler app/api/v1/[...path]/route.ts calls, with
 * the request turned into a web Request as Next.js does (body streamed, not buffered).
 */
export async function startApiServer(): Promise<{ origin: string; issuer: string; close: () => Promise<void> }> {
  process.env.PORTAL_PEER_STAMP ??= "api-test-stamp";
  const handleOidcRequest = createOidcRequestHandler();
  const server = http.createServer((request, response) => {
    request.headers["x-portal-peer"] = `${process.env.PORTAL_PEER_STAMP} ${request.socket.remoteAddress ?? ""}`;
    void (async () => {
      if (request.url?.startsWith("/api/v1")) {
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
        const hasBody = request.method !== "GET" && request.method !== "HEAD";
        const webRequest = new Request(`${origin}${request.url}`, {
          method: request.method,
          headers,
          ...(hasBody ? { body: requestBody(request), duplex: "half" } : {}),
        } as RequestInit);
        const answer = await handleApiRequest({ db: getDb(), request: webRequest });
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      if (!(await handleOidcRequest(request, response))) {
        response.writeHead(404);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  process.env.PORTAL_BASE_URL = origin;
  return { origin, issuer: `${origin}/oidc`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** A confidential application with the given application permissions granted. */
export async function applicationWith(permissions: ApiPermission[]): Promise<{ clientId: string; secret: string; applicationId: string }> {
  const db = getDb();
  const app = await registerApplication({ db, input: { name: unique("Automation"), redirectUris: ["http://localhost:8123/callback"], isPublic: false, assignmentRequired: false }, actor: systemActor, now: new Date() });
  if (!app.ok || !app.secret) throw new Error("registering failed");
  for (const permission of permissions) {
    const granted = await setApplicationApiPermission({ db, applicationId: app.applicationId, permission, granted: true, actor: systemActor, now: new Date() });
    if (!granted.ok) throw new Error(granted.reason);
  }
  return { clientId: app.clientId, secret: app.secret, applicationId: app.applicationId };
}

/** An access token from the client credentials grant, through openid-client (an independent OAuth client). */
export async function clientCredentialsToken(issuer: string, app: { clientId: string; secret: string }, scopes: string[]): Promise<{ accessToken: string; scope: string | undefined }> {
  const config = await client.discovery(new URL(issuer), app.clientId, app.secret, undefined, { execute: [client.allowInsecureRequests] });
  const tokens = await client.clientCredentialsGrant(config, { scope: scopes.join(" "), resource: apiAudience() });
  return { accessToken: tokens.access_token, scope: tokens.scope };
}

/** The typed client, generated from the served OpenAPI document (openapi-typescript + openapi-fetch). */
export function apiClient(origin: string, accessToken: string) {
  return createClient<paths>({ baseUrl: `${origin}/api/v1`, headers: { Authorization: `Bearer ${accessToken}` } });
}
