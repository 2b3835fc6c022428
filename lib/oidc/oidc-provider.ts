import type { IncomingMessage } from "node:http";
import Provider, { errors, interactionPolicy, type Account, type AdapterPayload, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { portalSessionById, portalSessionOfRequest } from "../server/portal-session-cookie";
import { keyedHash } from "../crypto/secret-box";
import { getDb } from "../db/client";
import { ACR_MULTI_FACTOR, ACR_SINGLE_FACTOR, applicationStillAdmits } from "./app-sign-in";
import { applicationSecretMatches, findClientMetadata } from "./applications";
import { apiAudience, grantedApiPermissions, PORTAL_SESSION_CLAIM } from "./api-permissions";
import { escapeHtml, renderOidcPage } from "./oidc-pages";
import { OIDC_MOUNT_PATH, oidcIssuer } from "./issuer";
import { PrismaOidcAdapter } from "./provider-adapter";
import { loadSigningKeys } from "./signing-keys";
import { logger } from "../shared/logger";

export const OIDC_SCOPES = ["openid", "offline_access", "profile", "email", "groups"];

/** The grant behind an app's tokens remembers which portal session it came from: signed out there, its tokens stop working. */
const SESSION_LINK_MODEL = "PortalSessionLink";

async function linkGrantToPortalSession(grantId: string, link: { userId: string; sessionId: string }): Promise<void> {
  const key = `${SESSION_LINK_MODEL}:${grantId}`;
  const data = { model: SESSION_LINK_MODEL, payload: JSON.stringify(link), grantId };
  await getDb().oidcPayload.upsert({ where: { key }, create: { key, ...data }, update: data });
}

async function portalSessionLinkOf(grantId: string): Promise<{ userId: string; sessionId: string } | null> {
  const row = await getDb().oidcPayload.findUnique({ where: { key: `${SESSION_LINK_MODEL}:${grantId}` } });
  return row ? (JSON.parse(row.payload) as { userId: string; sessionId: string }) : null;
}

async function grantStillSignedIn(grantId: string): Promise<boolean> {
  const link = await portalSessionLinkOf(grantId);
  if (!link) return false;
  return (await portalSessionById({ db: getDb(), userId: link.userId, sessionId: link.sessionId, now: new Date() })) !== null;
}

/** Claims of a person: UPN, name; the email only while confirmed; groups when the app asked for the scope. */
async function accountFor(userId: string): Promise<Account | undefined> {
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: { id: true, upn: true, displayName: true, enabled: true, emailMethod: { select: { confirmedAddress: true } }, groups: { select: { group: { select: { name: true } } } } },
  });
  if (!user || !user.enabled) return undefined;
  return {
    accountId: user.id,
    async claims(_use, scope) {
      const scopes = new Set(scope.split(" "));
      const email = user.emailMethod?.confirmedAddress;
      return {
        sub: user.id,
        preferred_username: user.upn,
        name: user.displayName,
        ...(email ? { email, email_verified: true } : {}),
        ...(scopes.has("groups") ? { groups: user.groups.map((g) => g.group.name).sort() } : {}),
      };
    },
  };
}

/**
 * Every authorization request goes through the portal's interaction (lib/oidc/oidc-interaction.ts)
 * unless it just came back from it: that is where the portal session is checked, assignment and
 * Conditional Access for the application are decided and the sign-in is logged. The provider's
 * own session is never trusted alone — it is one with the portal session. With prompt=none the
 * provider answers login_required (a silent sign-in is not supported).
 */
function portalInteractionPolicy() {
  const policy = interactionPolicy.base();
  const login = policy.get("login");
  login?.checks.add(
    new interactionPolicy.Check("portal_sign_in", "The portal decides every application sign-in", (ctx: KoaContextWithOIDC) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

/** Cookie signing keys derived from the portal's secret key, the same on every instance. */
function cookieKeys(): string[] {
  return [keyedHash({ purpose: "oidc provider cookies", value: "v1" })];
}

class ApplicationClientAdapter extends PrismaOidcAdapter {
  async find(id: string) {
    if (id.length > 200) return undefined;
    return (await findClientMetadata({ db: getDb(), clientId: id })) as AdapterPayload | undefined;
  }
}

/**
 * The OpenID Connect provider (oidc-provider, OpenID-certified): clients are the applications
 * registered in the admin console, its state lives in the database (PrismaOidcAdapter), its keys
 * are the ones in the database (signing-keys.ts), its sign-in is the portal's.
 */
export async function createOidcProvider(): Promise<Provider> {
  const keys = await loadSigningKeys({ db: getDb(), now: new Date() });
  const configuration: Configuration = {
    adapter: (name: string) => (name === "Client" ? new ApplicationClientAdapter(name) : new PrismaOidcAdapter(name)),
    jwks: { keys: keys as never },
    findAccount: async (_ctx, sub, token) => {
      if (token?.grantId && !(await grantStillSignedIn(token.grantId))) return undefined;
      if (token?.clientId && !(await applicationStillAdmits({ db: getDb(), clientId: token.clientId, userId: sub }))) return undefined;
      return accountFor(sub);
    },
    claims: {
      // How and when the person signed in goes to every app that asks for an ID token.
      openid: ["sub", "auth_time", "acr", "amr"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
      groups: ["groups"],
    },
    scopes: OIDC_SCOPES,
    // The ID token carries the claims of the granted scopes itself (name, UPN, …), not only userinfo:
    // relying parties such as mod_auth_openidc read them from there.
    conformIdTokenClaims: false,
    acrValues: [ACR_SINGLE_FACTOR, ACR_MULTI_FACTOR],
    cookies: { keys: cookieKeys(), long: { signed: true }, short: { signed: true } },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // A token from a person's sign-in is active only while the portal session it came from is
        // and the app still admits them (as for userinfo and refresh, through findAccount, which
        // introspection never calls); a public client introspects only its own tokens (oidc-provider's default rule).
        allowedPolicy: async (ctx, client, token) => {
          if (client.clientAuthMethod === "none" && token.clientId !== ctx.oidc.client?.clientId) return false;
          const grantId = "grantId" in token ? token.grantId : undefined;
          if (grantId && !(await grantStillSignedIn(grantId))) return false;
          const accountId = "accountId" in token ? token.accountId : undefined;
          return !accountId || !token.clientId || (await applicationStillAdmits({ db: getDb(), clientId: token.clientId, userId: accountId }));
        },
      },
      clientCredentials: { enabled: true },
      // The automation API (/api/v1) is the one resource server: its access tokens are JWTs for the
      // audience <PORTAL_BASE_URL>/api/v1, checked by lib/api/access-token.ts. A client-credentials
      // token carries only the application permissions a Global Administrator granted the app; a
      // person's (code flow) token may carry every API scope asked for — the person's roles decide
      // per request. Without `resource=<PORTAL_BASE_URL>/api/v1` a token stays what it was (opaque,
      // for userinfo or introspection).
      resourceIndicators: {
        enabled: true,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resourceIndicator, client) => {
          if (resourceIndicator !== apiAudience()) throw new errors.InvalidTarget();
          // Only what a Global Administrator granted the app, for its own token and a person's alike
          // (admin consent): otherwise anyone who may register an app could have a signed-in admin's
          // browser fetch a delegated token that acts with the admin's roles.
          const scope = await grantedApiPermissions({ db: getDb(), clientId: client.clientId });
          return { scope: scope.join(" "), audience: resourceIndicator, accessTokenFormat: "jwt", accessTokenTTL: 3600, jwt: { sign: { alg: "RS256" } } };
        },
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = "html";
          ctx.body = renderOidcPage({
            title: "Sign out",
            body: `<p>Sign out of the portal and every application you signed in to through it?</p>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = renderOidcPage({ title: "Signed out", body: `<p>You have signed out.</p><p><a href="/login">Sign in again</a></p>` });
        },
      },
    },
    interactions: {
      policy: portalInteractionPolicy(),
      url: (_ctx, interaction) => `${OIDC_MOUNT_PATH}/interaction/${interaction.uid}`,
    },
    // Admin-registered applications are trusted by the organisation (Entra's admin consent): no consent screen.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      if (!oidc.client || !oidc.session?.accountId) return undefined;
      const portal = await portalSessionOfRequest({ db: getDb(), request: ctx.req as IncomingMessage, now: new Date() });
      if (!portal || portal.userId !== oidc.session.accountId) return undefined;
      // The provider's session outlives a portal sign-out (its cookie stays in the browser). Its grant
      // is reused only within the portal session it is linked to: re-linking a grant of an ended
      // session would bring back every refresh token the sign-out ended.
      const existingId = oidc.session.grantIdFor(oidc.client.clientId);
      const sameSession = existingId ? (await portalSessionLinkOf(existingId))?.sessionId === portal.id : false;
      const existing = existingId && sameSession ? await oidc.provider.Grant.find(existingId) : undefined;
      const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamScopes].filter((s) => OIDC_SCOPES.includes(s)));
      grant.addOIDCClaims([...oidc.requestParamClaims]);
      // A delegated token for the automation API: the scopes asked for that the app was granted (the person's roles limit them per request).
      const granted: readonly string[] = await grantedApiPermissions({ db: getDb(), clientId: oidc.client.clientId });
      const apiScopes = [...oidc.requestParamScopes].filter((s) => granted.includes(s));
      if (apiScopes.length > 0) grant.addResourceScope(apiAudience(), apiScopes.join(" "));
      const grantId = await grant.save();
      await linkGrantToPortalSession(grantId, { userId: portal.userId, sessionId: portal.id });
      return grant;
    },
    // oidc-provider drops offline_access without prompt=consent (which never shows here: apps are
    // admin-consented), so every app allowed the refresh_token grant gets one, as in Entra.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    // A person's access token names the portal session it came from, so the automation API (which
    // reads JWTs without asking the provider) refuses it once that session is signed out or revoked.
    extraTokenClaims: async (_ctx, token) => {
      const grantId = "grantId" in token ? token.grantId : undefined;
      if (token.kind !== "AccessToken" || !grantId) return undefined;
      const link = await portalSessionLinkOf(grantId);
      return link ? { [PORTAL_SESSION_CLAIM]: link.sessionId } : undefined;
    },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 3600,
      IdToken: 3600,
      Interaction: 15 * 60,
      Grant: 14 * 24 * 3600,
      Session: 12 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    enabledJWA: { idTokenSigningAlgValues: ["ES256", "RS256"], userinfoSigningAlgValues: ["ES256", "RS256"] },
    clientDefaults: { grant_types: ["authorization_code"], id_token_signed_response_alg: "RS256", response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" },
    responseTypes: ["code"],
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = renderOidcPage({
        title: "Sign-in to the application failed",
        body: `<p>The application's sign-in request could not be completed.</p><p><strong>${escapeHtml(String(out.error))}</strong>${out.error_description ? `: ${escapeHtml(String(out.error_description))}` : ""}</p><p>Go back to the application and try again.</p>`,
      });
    },
  };
  const provider = new Provider(oidcIssuer(), configuration);
  // Secrets are stored only as keyed hashes: the comparison oidc-provider would make with a stored
  // plain secret is replaced by a lookup of the presented secret's hash (expired secrets fail).
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientId: string }, actual: string) {
    return applicationSecretMatches({ db: getDb(), clientId: this.clientId, secret: actual, now: new Date() });
  } as never;
  provider.on("server_error", (_ctx: unknown, error: Error) => logger().error({ err: error.message }, "OpenID Connect provider error"));
  return provider;
}
