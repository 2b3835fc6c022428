import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { portalSessionOfRequest } from "../server/portal-session-cookie";
import { clientIpAddress } from "../shared/client-address";
import { revokeUserSession } from "../auth/user-session";
import { getDb } from "../db/client";
import { enterApplication } from "./app-sign-in";
import { escapeHtml, renderOidcPage } from "./oidc-pages";
import { OIDC_MOUNT_PATH } from "./issuer";
import { createOidcProvider } from "./oidc-provider";
import { errorMessage, logger } from "../shared/logger";

/** How often an instance looks for rotated signing keys (oidc-provider takes its keys at construction). */
const KEY_CHECK_MS = 60_000;

async function keySetFingerprint(): Promise<string> {
  const rows = await getDb().oidcSigningKey.findMany({ select: { kid: true, retiredAt: true }, orderBy: { kid: "asc" } });
  return rows.map((r) => `${r.kid}:${r.retiredAt?.getTime() ?? ""}`).join(",");
}

/** A provider instance, rebuilt when another instance (or `npm run oidc:rotate-keys`) changed the signing keys. */
function providerCache(): () => Promise<Provider> {
  let current: { provider: Provider; kids: string; checkedAt: number } | null = null;
  let building: Promise<Provider> | null = null;
  return async () => {
    if (current && Date.now() - current.checkedAt < KEY_CHECK_MS) return current.provider;
    building ??= (async () => {
      try {
        const kids = await keySetFingerprint();
        if (current && current.kids === kids) {
          current.checkedAt = Date.now();
          return current.provider;
        }
        const built = await createOidcProvider();
        current = { provider: built, kids: await keySetFingerprint(), checkedAt: Date.now() };
        return built;
      } finally {
        building = null;
      }
    })();
    return building;
  };
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-frame-options": "DENY", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'" });
  response.end(html);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, "cache-control": "no-store" });
  response.end();
}

function clientInfo(request: IncomingMessage) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
  return { ipAddress: clientIpAddress(headers), userAgent: request.headers["user-agent"] ?? "" };
}

/**
 * The interaction: oidc-provider sends every application sign-in here. Without a portal session
 * the person signs in at /login, which comes back here; with one, the application's assignment
 * and Conditional Access decide: allowed ends the interaction with the person's user id and how
 * the session signed in (amr, acr, auth_time); MFA or an authentication strength the session lacks
 * sends them to sign in again, stepping up to what the application needs (a passkey), unless
 * nothing they hold or may register can meet it; blocked, not assigned or unmeetable shows a page
 * and answers access_denied to the application.
 */
async function handleInteraction(options: { provider: Provider; request: IncomingMessage; response: ServerResponse; uid: string; abort: boolean; mfaAsked: boolean }): Promise<void> {
  const { provider: op, request, response, uid } = options;
  let details;
  try {
    details = await op.interactionDetails(request, response);
  } catch {
    sendHtml(response, 400, renderOidcPage({ title: "This sign-in has expired", body: "<p>Go back to the application and sign in again.</p>" }));
    return;
  }
  if (details.uid !== uid) {
    sendHtml(response, 400, renderOidcPage({ title: "This sign-in has expired", body: "<p>Go back to the application and sign in again.</p>" }));
    return;
  }
  if (options.abort) {
    await op.interactionFinished(request, response, { error: "access_denied", error_description: "The sign-in was refused." }, { mergeWithLastSubmission: false });
    return;
  }
  const returnHere = `${OIDC_MOUNT_PATH}/interaction/${uid}`;
  const db = getDb();
  const now = new Date();
  const portal = await portalSessionOfRequest({ db, request, now });
  const params = details.params as { client_id?: string; max_age?: number | string };
  const interactionStartedAt = new Date(details.iat * 1000);
  // prompt=login and an exceeded max_age ask for a sign-in newer than this interaction.
  const maxAge = params.max_age === undefined ? null : Number(params.max_age);
  const needsFreshSignIn = details.prompt.reasons.includes("login_prompt") || (maxAge !== null && portal !== null && now.getTime() - portal.createdAt.getTime() > maxAge * 1000);
  if (!portal || (needsFreshSignIn && portal.createdAt < interactionStartedAt)) {
    redirect(response, `/login?callbackUrl=${encodeURIComponent(returnHere)}`);
    return;
  }
  const application = await db.application.findUnique({ where: { clientId: String(params.client_id ?? "") }, select: { clientId: true, name: true } });
  if (!application) {
    await op.interactionFinished(request, response, { error: "access_denied", error_description: "The application no longer exists." }, { mergeWithLastSubmission: false });
    return;
  }
  const entry = await enterApplication({ db, session: portal, application, client: clientInfo(request) });
  if (entry.outcome === "mfaRequired") {
    // A stronger sign-in can meet it: back to /login, which (its callback being this interaction)
    // asks for this application's requirements too — a passkey after the password, or the
    // registration interrupt first (password-step.ts) — and returns here.
    if (entry.stepUp && !options.mfaAsked) {
      redirect(response, `/login?callbackUrl=${encodeURIComponent(`${returnHere}?mfa=asked`)}&reason=${entry.strength ? "strength" : "mfa"}`);
      return;
    }
    // Nothing the person holds or may register meets it, or they signed in again for this very
    // request and still didn't: the page says what to register.
    sendHtml(response, 403, refusalPage(uid, application.name, entry.message ?? `${application.name} requires multi-factor authentication, and your account has no sign-in method for a second step. Register one in Security info, then try again.`));
    return;
  }
  if (entry.outcome !== "allowed") {
    sendHtml(response, 403, refusalPage(uid, application.name, entry.message));
    return;
  }
  await op.interactionFinished(
    request,
    response,
    { login: { accountId: portal.userId, ts: Math.floor(portal.createdAt.getTime() / 1000), amr: entry.amr, acr: entry.acr, remember: false } },
    { mergeWithLastSubmission: false },
  );
}

function refusalPage(uid: string, appName: string, message: string): string {
  return renderOidcPage({
    title: `You can't sign in to ${appName}`,
    body: `<p>${escapeHtml(message)}</p><form method="post" action="${OIDC_MOUNT_PATH}/interaction/${escapeHtml(uid)}/abort"><button type="submit">Return to the application</button></form>`,
  });
}

/**
 * Serves the OpenID Connect provider's paths and tells the caller whether it did: everything
 * under /oidc (discovery at /oidc/.well-known/openid-configuration, also answered at the site's
 * /.well-known/openid-configuration), and the portal's own interaction pages under
 * /oidc/interaction/. Anything else is Next.js's.
 */
export type OidcRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** One server's handler with its own provider instance (tests run two, as two instances of the portal would). */
export function createOidcRequestHandler(): OidcRequestHandler {
  const provider = providerCache();
  return (request, response) => serveOidcRequest(provider, request, response);
}

/** The portal server's handler (lib/server/serve-portal.mjs). */
export const handleOidcRequest: OidcRequestHandler = createOidcRequestHandler();

async function serveOidcRequest(provider: () => Promise<Provider>, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = request.url ?? "/";
  const path = url.split("?")[0];
  const isWellKnown = path === "/.well-known/openid-configuration";
  if (!isWellKnown && path !== OIDC_MOUNT_PATH && !path.startsWith(`${OIDC_MOUNT_PATH}/`)) return false;
  try {
    const op = await provider();
    const interaction = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(\/abort)?$/.exec(path);
    // Next.js's router fetches the target of a server action's redirect (the sign-in returning
    // here) with an `RSC` header before it navigates the page, and navigates the page itself when
    // the answer isn't its own format. An interaction must run once, in that real navigation: the
    // router's fetch would otherwise finish it, and the page's load then find it already used.
    if (interaction && request.method === "GET" && request.headers.rsc !== undefined) {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", vary: "RSC" });
      response.end();
      return true;
    }
    if (interaction && (request.method === "GET" || (request.method === "POST" && interaction[2]))) {
      const mfaAsked = new URLSearchParams(url.split("?")[1] ?? "").get("mfa") === "asked";
      await handleInteraction({ provider: op, request, response, uid: interaction[1], abort: Boolean(interaction[2]), mfaAsked });
      return true;
    }
    // RP-initiated logout: confirming it signs out of the portal as well.
    if (path === `${OIDC_MOUNT_PATH}/session/end/confirm` && request.method === "POST") {
      const portal = await portalSessionOfRequest({ db: getDb(), request, now: new Date() });
      if (portal) await revokeUserSession({ db: getDb(), sessionId: portal.id, now: new Date() });
    }
    const full = isWellKnown ? `${OIDC_MOUNT_PATH}${url}` : url;
    // oidc-provider reads the mount path from originalUrl minus url (as when mounted by Express).
    Object.assign(request, { originalUrl: full, url: full.slice(OIDC_MOUNT_PATH.length) || "/" });
    await op.callback()(request, response);
  } catch (error) {
    logger().error({ err: errorMessage(error) }, "OpenID Connect request failed");
    if (!response.headersSent) sendHtml(response, 500, renderOidcPage({ title: "Something went wrong", body: "<p>Try again in a moment.</p>" }));
  }
  return true;
}
