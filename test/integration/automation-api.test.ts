import crypto from "node:crypto";
import * as client from "openid-client";
import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, secretFingerprint } from "../../lib/crypto/secret-box";
import { getDb } from "../../lib/db/client";
import { API_PERMISSIONS, apiAudience, setApplicationApiPermission, type ApiPermission } from "../../lib/oidc/api-permissions";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { systemActor } from "../../lib/audit/write-audit-event";
import type { Role } from "../../lib/auth/permissions";
import { revokeUserSession } from "../../lib/auth/user-session";
import { addApplicationSecret } from "../../lib/oidc/applications";
import { apiClient, applicationWith, clientCredentialsToken, startApiServer } from "../support/api-test-server";
import { PASSKEY_METHOD_ID } from "../../lib/webauthn/passkeys";
import { relyingParty } from "../../lib/webauthn/relying-party";
import { makeUser, unique } from "../support/factories";
import { registerPasskey } from "../support/register-passkey";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { Browser, portalSignIn } from "../support/oidc-test-server";

/** A real sealed seed: later files (the key rotation test) open every seed in the database. */
function sealedSeed() {
  const seed = crypto.randomBytes(20);
  return { encryptedSecret: encryptSecret(seed), secretFingerprint: secretFingerprint(seed) };
}

// The automation API over real HTTP: tokens from the portal's own provider through openid-client
// (client credentials; code flow for a person), requests through the client generated from the
// served OpenAPI document (openapi-typescript + openapi-fetch), against the real database (SQLite,
// or PostgreSQL with DATABASE_URL).
const db = getDb();
let server: Awaited<ReturnType<typeof startApiServer>>;
const ALL: ApiPermission[] = [...API_PERMISSIONS];

beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => {
  await server.close();
});

async function tokenFor(permissions: ApiPermission[], requested: string[] = ALL) {
  const app = await applicationWith(permissions);
  return { app, ...(await clientCredentialsToken(server.issuer, app, requested)) };
}

const base32Secret = () => new OTPAuth.Secret({ size: 20 }).base32;
/** The code an independent TOTP implementation (otpauth) computes for the seed at a time. */
const codeAt = (secret: string, at: Date) => new OTPAuth.TOTP({ secret, digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: at.getTime() });

function raw(path: string, token: string | null, init: RequestInit = {}) {
  return fetch(`${server.origin}/api/v1${path}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });
}

async function expectGraphError(response: Response, status: number, code?: string) {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(10);
  if (code) expect(body.error.code).toBe(code);
  return body.error as { code: string; message: string; details?: { target: string; message: string }[] };
}

const DEVICES = "/directory/authenticationMethodDevices/hardwareOathDevices";

describe("tokens for the automation API", () => {
  it("a client-credentials token is a JWT for the API carrying only the granted permissions", async () => {
    const { accessToken, scope } = await tokenFor(["Policy.Read.AuthenticationMethod", "AuditLog.Read.All"]);
    expect(scope?.split(" ").sort()).toEqual(["AuditLog.Read.All", "Policy.Read.AuthenticationMethod"]);
    const [header, payload] = accessToken.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString()));
    expect(header.typ).toBe("at+jwt");
    expect(payload.aud).toBe(apiAudience());
    expect(payload.iss).toBe(server.issuer);
  });

  it("refuses no token, a forged payload, a forged signature and a revoked permission with 401/403 in Graph's shape", async () => {
    await expectGraphError(await raw(DEVICES, null), 401, "InvalidAuthenticationToken");
    const { accessToken, app } = await tokenFor(["Policy.Read.AuthenticationMethod"]);
    const [h, p, s] = accessToken.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), scope: ALL.join(" ") })).toString("base64url");
    await expectGraphError(await raw(DEVICES, `${h}.${forgedPayload}.${s}`), 401);
    await expectGraphError(await raw(DEVICES, `${h}.${p}.${Buffer.from(crypto.randomBytes(256)).toString("base64url")}`), 401);
    expect((await raw(DEVICES, accessToken)).status).toBe(200);
    await setApplicationApiPermission({ db, applicationId: app.applicationId, permission: "Policy.Read.AuthenticationMethod", granted: false, actor: systemActor, now: new Date() });
    await expectGraphError(await raw(DEVICES, accessToken), 403, "Authorization_RequestDenied");
  });
});

describe("granting application permissions", () => {
  it("is audited, refuses unknown permissions and public applications, and a revoke takes the scope out of new tokens", async () => {
    const { app } = await tokenFor([]);
    const grant = (permission: string, granted = true, applicationId = app.applicationId) => setApplicationApiPermission({ db, applicationId, permission, granted, actor: { id: null, upn: "ga@contoso.example" }, now: new Date() });
    expect(await grant("Directory.ReadWrite.All")).toMatchObject({ ok: false, reason: expect.stringMatching(/Unknown permission/) });
    expect(await grant("AuditLog.Read.All")).toEqual({ ok: true });
    const event = await db.auditEvent.findFirst({ where: { action: "Grant API permission", targetId: app.applicationId } });
    expect(JSON.parse(event!.details)).toEqual({ permission: "AuditLog.Read.All" });
    expect(event!.actorUpn).toBe("ga@contoso.example");
    expect((await clientCredentialsToken(server.issuer, app, ALL)).scope).toBe("AuditLog.Read.All");
    expect(await grant("AuditLog.Read.All", false)).toEqual({ ok: true });
    expect((await clientCredentialsToken(server.issuer, app, ALL)).scope).toBeUndefined();
    expect(await db.auditEvent.count({ where: { action: "Revoke API permission", targetId: app.applicationId } })).toBe(1);
    const { registerApplication } = await import("../../lib/oidc/applications");
    const publicApp = await registerApplication({ db, input: { name: unique("Public"), redirectUris: ["http://localhost:8123/callback"], isPublic: true }, actor: systemActor, now: new Date() });
    if (!publicApp.ok) throw new Error(publicApp.reason);
    expect(await grant("AuditLog.Read.All", true, publicApp.applicationId)).toMatchObject({ ok: false, reason: expect.stringMatching(/public application/) });
  });
});

describe("hardware OATH devices", () => {
  it("creates 1,000 devices in one call, lists them page by page, gets, renames and deletes one", async () => {
    const { accessToken } = await tokenFor(["Policy.ReadWrite.AuthenticationMethod"]);
    const api = apiClient(server.origin, accessToken);
    const prefix = unique("API");
    const devices = Array.from({ length: 1000 }, (_, i) => ({ serialNumber: `${prefix}-${String(i).padStart(4, "0")}`, secretKey: base32Secret(), manufacturer: "Feitian", model: "c200", timeIntervalInSeconds: 30 as const }));
    const created = await api.POST(DEVICES, { body: { value: devices } });
    expect(created.response.status).toBe(200);
    const results = (created.data as { value: { status: string; id?: string }[] }).value;
    expect(results).toHaveLength(1000);
    expect(results.every((r) => r.status === "created" && r.id)).toBe(true);
    expect(await db.hardwareToken.count({ where: { serialNumber: { startsWith: prefix } } })).toBe(1000);
    const audit = await db.auditEvent.findFirst({ where: { action: "Add hardware tokens (API)" }, orderBy: { sequence: "desc" } });
    expect(JSON.parse(audit!.details)).toEqual({ imported: 1000, alreadyPresent: 0, failed: 0 });

    // Paging: 300 at a time through @odata.nextLink, in serial order, each device once.
    const seen: string[] = [];
    let page = await api.GET(DEVICES, { params: { query: { $top: 300, $filter: `startswith(serialNumber,'${prefix}')` } } });
    for (;;) {
      expect(page.response.status).toBe(200);
      seen.push(...page.data!.value.map((d) => d.serialNumber));
      const next = page.data!["@odata.nextLink"];
      if (!next) break;
      const skiptoken = new URL(next).searchParams.get("$skiptoken")!;
      page = await api.GET(DEVICES, { params: { query: { $top: 300, $filter: `startswith(serialNumber,'${prefix}')`, $skiptoken: skiptoken } } });
    }
    expect(seen).toEqual(devices.map((d) => d.serialNumber));

    const one = results[7].id!;
    const got = await api.GET(`${DEVICES}/{deviceId}`, { params: { path: { deviceId: one } } });
    expect(got.data).toMatchObject({ id: one, serialNumber: devices[7].serialNumber, secretKey: null, status: "available", assignedTo: null, hashFunction: "hmacsha1", timeIntervalInSeconds: 30 });
    const renamed = await api.PATCH(`${DEVICES}/{deviceId}`, { params: { path: { deviceId: one } }, body: { displayName: "Spare fob, desk 4" } });
    expect(renamed.data?.displayName).toBe("Spare fob, desk 4");
    const deleted = await api.DELETE(`${DEVICES}/{deviceId}`, { params: { path: { deviceId: one } } });
    expect(deleted.response.status).toBe(204);
    expect(await db.hardwareToken.count({ where: { id: one } })).toBe(0);
    const gone = await api.GET(`${DEVICES}/{deviceId}`, { params: { path: { deviceId: one } } });
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ error: { code: "Request_ResourceNotFound" } });
  });

  it("reports per-device failures with the CSV import's reasons and creates only the good ones", async () => {
    const { accessToken } = await tokenFor(["Policy.ReadWrite.AuthenticationMethod"]);
    const api = apiClient(server.origin, accessToken);
    const prefix = unique("PER");
    const existing = { serialNumber: `${prefix}-existing`, secretKey: base32Secret() };
    const other = { serialNumber: `${prefix}-other`, secretKey: base32Secret() };
    for (const device of [existing, other]) expect((await api.POST(DEVICES, { body: device })).response.status).toBe(201);
    const good = { serialNumber: `${prefix}-good`, secretKey: base32Secret() };
    const body = {
      value: [
        good,
        { serialNumber: `${prefix}-hex`, secretKey: "3132333435363738393031323334353637383930" },
        { serialNumber: `${prefix}-good`, secretKey: base32Secret() },
        { serialNumber: other.serialNumber, secretKey: base32Secret() },
        { ...existing },
        { serialNumber: `${prefix}-nouser`, secretKey: base32Secret(), assignTo: { id: "no-such-user" } },
        { serialNumber: `${prefix}-extra`, secretKey: base32Secret(), colour: "blue" },
        { serialNumber: `=${prefix}`, secretKey: base32Secret() },
      ],
    };
    const answer = await api.POST(DEVICES, { body: body as never });
    expect(answer.response.status).toBe(200);
    const value = (answer.data as { value: { index: number; status: string; error?: { message: string } }[] }).value;
    expect(value.map((v) => v.status)).toEqual(["created", "failed", "failed", "failed", "alreadyPresent", "failed", "failed", "failed"]);
    expect(value[1].error!.message).toMatch(/looks hexadecimal/);
    expect(value[2].error!.message).toMatch(/appears more than once/);
    expect(value[3].error!.message).toMatch(/already in the inventory with a different secret key/);
    expect(value[5].error!.message).toMatch(/No user has the id no-such-user/);
    expect(value[6].error!.message).toMatch(/colour/);
    expect(value[7].error!.message).toMatch(/formula/);
    expect((await db.hardwareToken.findMany({ where: { serialNumber: { contains: prefix } }, select: { serialNumber: true } })).map((t) => t.serialNumber).sort()).toEqual([existing.serialNumber, good.serialNumber, other.serialNumber].sort());
  });
});

async function enableTemporaryAccessPass() {
  const saved = await saveMethodPolicy({ db, method: "temporaryAccessPass", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings, actor: systemActor });
  if (!saved.ok) throw new Error(saved.reason);
}

describe("users' authentication methods", () => {
  it("assigns a device, activates it with a code from a clock 5 minutes ahead, sets the default, issues a TAP and removes the token", async () => {
    const { accessToken } = await tokenFor(["Policy.ReadWrite.AuthenticationMethod", "UserAuthenticationMethod.ReadWrite.All"]);
    const api = apiClient(server.origin, accessToken);
    const user = await makeUser();
    const secretKey = base32Secret();
    const device = await api.POST(DEVICES, { body: { serialNumber: unique("ACT"), secretKey } });
    const deviceId = (device.data as { id: string }).id;

    const assigned = await api.POST("/users/{userId}/authentication/hardwareOathMethods", { params: { path: { userId: user.upn } }, body: { device: { id: deviceId } } });
    expect(assigned.response.status).toBe(201);
    expect(assigned.data).toMatchObject({ id: deviceId, device: { status: "assigned", assignedTo: { id: user.id } } });
    expect(await db.outboxMessage.count({ where: { to: user.upn, subject: "A hardware token was assigned to you" } })).toBe(1);

    const activate = (code: string) => api.POST("/users/{userId}/authentication/hardwareOathMethods/{methodId}/activate", { params: { path: { userId: user.id, methodId: deviceId } }, body: { verificationCode: code } });
    const now = new Date();
    const wrong = await activate(codeAt(secretKey, new Date(now.getTime() - 3 * 24 * 3600_000)));
    expect(wrong.response.status).toBe(400);
    expect(wrong.error?.error.message).toMatch(/doesn't match/);
    const right = await activate(codeAt(secretKey, new Date(now.getTime() + 5 * 60_000)));
    expect(right.response.status).toBe(204);
    const stored = await db.hardwareToken.findUniqueOrThrow({ where: { id: deviceId } });
    expect(stored.status).toBe("activated");
    expect(stored.driftSteps).toBeGreaterThanOrEqual(9);
    expect(stored.driftSteps).toBeLessThanOrEqual(11);

    const methods = await api.GET("/users/{userId}/authentication/methods", { params: { path: { userId: user.id } } });
    expect(methods.data?.value.map((m) => m["@odata.type"])).toEqual(["#microsoft.graph.passwordAuthenticationMethod", "#microsoft.graph.hardwareOathAuthenticationMethod"]);
    expect(await api.PATCH("/users/{userId}/authentication/signInPreferences", { params: { path: { userId: user.id } }, body: { userPreferredMethodForSecondaryAuthentication: "oath" } })).toMatchObject({ response: { status: 204 } });
    const preferences = await api.GET("/users/{userId}/authentication/signInPreferences", { params: { path: { userId: user.id } } });
    expect(preferences.data?.userPreferredMethodForSecondaryAuthentication).toBe("oath");

    await enableTemporaryAccessPass();
    const tap = await api.POST("/users/{userId}/authentication/temporaryAccessPassMethods", { params: { path: { userId: user.id } }, body: { lifetimeInMinutes: 60, isUsableOnce: true } });
    expect(tap.response.status).toBe(201);
    expect(tap.data?.temporaryAccessPass).toMatch(/^[A-Za-z0-9]{8,48}$/);
    expect(tap.data?.lifetimeInMinutes).toBe(60);
    const listed = JSON.stringify((await api.GET("/users/{userId}/authentication/methods", { params: { path: { userId: user.id } } })).data);
    expect(listed).toContain("#microsoft.graph.temporaryAccessPassAuthenticationMethod");
    expect(listed).not.toContain(tap.data!.temporaryAccessPass);
    const auditText = JSON.stringify(await db.auditEvent.findMany({ where: { targetId: user.id } }));
    expect(auditText).not.toContain(tap.data!.temporaryAccessPass);

    const removed = await api.DELETE("/users/{userId}/authentication/hardwareOathMethods/{methodId}", { params: { path: { userId: user.id, methodId: deviceId } } });
    expect(removed.response.status).toBe(204);
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: deviceId } })).toMatchObject({ status: "available", userId: null, driftSteps: 0 });
    const again = await api.DELETE("/users/{userId}/authentication/hardwareOathMethods/{methodId}", { params: { path: { userId: user.id, methodId: deviceId } } });
    expect(again.response.status).toBe(404);
  });

  it("makes the user's passkeys their default with fido2, and refuses it while they have none", async () => {
    const { accessToken } = await tokenFor(["UserAuthenticationMethod.ReadWrite.All"]);
    const api = apiClient(server.origin, accessToken);
    const user = await makeUser();
    const prefer = () => api.PATCH("/users/{userId}/authentication/signInPreferences", { params: { path: { userId: user.id } }, body: { userPreferredMethodForSecondaryAuthentication: "fido2" } });
    const refused = await prefer();
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.message).toMatch(/has no usable passkey/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBeNull();

    // The user registers a passkey themselves (Security info's functions, a software authenticator's real bytes).
    const authenticator = new SoftAuthenticator(relyingParty(), crypto.randomBytes(16));
    await registerPasskey({ db, user, authenticator, name: "Desk key" });

    expect((await prefer()).response.status).toBe(204);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBe(PASSKEY_METHOD_ID);
    const preferences = await api.GET("/users/{userId}/authentication/signInPreferences", { params: { path: { userId: user.id } } });
    expect(preferences.data?.userPreferredMethodForSecondaryAuthentication).toBe("fido2");
    // The refusal is audited as a failure, the change as a success.
    expect(await db.auditEvent.count({ where: { targetId: user.id, action: "Change default sign-in method", result: "success" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { targetId: user.id, action: "Change default sign-in method", result: "failure" } })).toBe(1);
  });
});

describe("audit logs", () => {
  it("lists directory audits filtered and paged, and sign-ins", async () => {
    const { accessToken } = await tokenFor(["AuditLog.Read.All"]);
    const api = apiClient(server.origin, accessToken);
    const first = await api.GET("/auditLogs/directoryAudits", { params: { query: { $top: 2, $filter: "activityDisplayName eq 'Grant API permission'" } } });
    expect(first.data?.value).toHaveLength(2);
    expect(first.data?.value.every((e) => e.activityDisplayName === "Grant API permission")).toBe(true);
    const skiptoken = new URL(first.data!["@odata.nextLink"]!).searchParams.get("$skiptoken")!;
    const second = await api.GET("/auditLogs/directoryAudits", { params: { query: { $top: 2, $filter: "activityDisplayName eq 'Grant API permission'", $skiptoken: skiptoken } } });
    expect(second.data?.value[0].id).not.toBe(first.data?.value[1].id);
    expect(new Date(second.data!.value[0].activityDateTime) <= new Date(first.data!.value[1].activityDateTime)).toBe(true);
    const signIns = await api.GET("/auditLogs/signIns", { params: { query: { $top: 5, $filter: "createdDateTime ge 2000-01-01T00:00:00Z" } } });
    expect(signIns.response.status).toBe(200);
    const bad = await api.GET("/auditLogs/signIns", { params: { query: { $filter: "contains(userPrincipalName,'a')" } } });
    expect(bad.response.status).toBe(400);
  });

  it("answers a date outside what the database stores with 400, never 500", async () => {
    const { accessToken } = await tokenFor(["AuditLog.Read.All"]);
    for (const [path, property] of [["/auditLogs/signIns", "createdDateTime"], ["/auditLogs/directoryAudits", "activityDateTime"]] as const) {
      for (const date of ["-271821-04-20T00:00:00Z", "+275760-09-13T00:00:00Z", "-000001-01-01T00:00:00Z"]) {
        const response = await raw(`${path}?$filter=${encodeURIComponent(`${property} ge ${date}`)}`, accessToken);
        const error = await expectGraphError(response, 400, "Request_BadRequest");
        expect(error.message).toContain(property);
      }
    }
  });
});

/** Every operation, called by a client without its permission: 403, Graph's error, nothing done. */
const OPERATIONS: { method: string; path: (ids: { user: string; device: string }) => string; body?: unknown; needs: ApiPermission[]; role?: string }[] = [
  { method: "GET", path: () => DEVICES, needs: ["Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"] },
  { method: "GET", path: (i) => `${DEVICES}/${i.device}`, needs: ["Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"] },
  { method: "POST", path: () => DEVICES, body: { serialNumber: "X-REFUSED", secretKey: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" }, needs: ["Policy.ReadWrite.AuthenticationMethod"] },
  { method: "PATCH", path: (i) => `${DEVICES}/${i.device}`, body: { displayName: "x" }, needs: ["Policy.ReadWrite.AuthenticationMethod"] },
  { method: "DELETE", path: (i) => `${DEVICES}/${i.device}`, needs: ["Policy.ReadWrite.AuthenticationMethod"] },
  { method: "GET", path: (i) => `/users/${i.user}/authentication/methods`, needs: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"] },
  { method: "POST", path: (i) => `/users/${i.user}/authentication/hardwareOathMethods`, body: { device: { id: "x" } }, needs: ["UserAuthenticationMethod.ReadWrite.All"] },
  { method: "POST", path: (i) => `/users/${i.user}/authentication/hardwareOathMethods/${i.device}/activate`, body: { verificationCode: "123456" }, needs: ["UserAuthenticationMethod.ReadWrite.All"] },
  { method: "DELETE", path: (i) => `/users/${i.user}/authentication/hardwareOathMethods/${i.device}`, needs: ["UserAuthenticationMethod.ReadWrite.All"] },
  { method: "POST", path: (i) => `/users/${i.user}/authentication/temporaryAccessPassMethods`, body: {}, needs: ["UserAuthenticationMethod.ReadWrite.All"] },
  { method: "GET", path: (i) => `/users/${i.user}/authentication/signInPreferences`, needs: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"] },
  { method: "PATCH", path: (i) => `/users/${i.user}/authentication/signInPreferences`, body: { userPreferredMethodForSecondaryAuthentication: "oath" }, needs: ["UserAuthenticationMethod.ReadWrite.All"] },
  { method: "GET", path: () => "/auditLogs/signIns", needs: ["AuditLog.Read.All"] },
  { method: "GET", path: () => "/auditLogs/directoryAudits", needs: ["AuditLog.Read.All"] },
];

describe("permissions", () => {
  it("refuses every operation to an application without its permission, and changes nothing", async () => {
    const user = await makeUser();
    const token = await db.hardwareToken.create({ data: { serialNumber: unique("PERM"), manufacturer: "", model: "", ...sealedSeed() } });
    const ids = { user: user.id, device: token.id };
    for (const operation of OPERATIONS) {
      const others = ALL.filter((p) => !operation.needs.includes(p));
      const { accessToken } = await tokenFor(others);
      const auditBefore = await db.auditEvent.count();
      const response = await raw(operation.path(ids), accessToken, {
        method: operation.method,
        ...(operation.body ? { body: JSON.stringify(operation.body), headers: { "Content-Type": "application/json" } } : {}),
      });
      const error = await expectGraphError(response, 403, "Authorization_RequestDenied");
      expect(error.message).toContain(operation.needs[operation.needs.length - 1]);
      expect(await db.auditEvent.count()).toBe(auditBefore);
    }
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "available", friendlyName: null });
    expect(await db.temporaryAccessPass.count({ where: { userId: user.id } })).toBe(0);
  });

  /** A delegated API token for a new person with these roles, through `app`'s code flow in a signed-in browser. */
  async function delegatedTokenFor(app: { clientId: string; secret: string | null }, roles: Role[]) {
    const config = await client.discovery(new URL(server.issuer), app.clientId, app.secret ?? undefined, undefined, { execute: [client.allowInsecureRequests] });
    const person = await makeUser({ roles });
    const portal = await portalSignIn(person, { mfa: true });
    const browser = new Browser(portal.cookie);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: "http://localhost:8123/callback",
      scope: `openid ${ALL.join(" ")}`,
      resource: apiAudience(),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const back = await browser.follow(url.toString(), server.origin);
    const tokens = await client.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier }, { resource: apiAudience() });
    return { accessToken: tokens.access_token, portalSessionId: portal.sessionId };
  }

  it("a delegated token carries only what a Global Administrator granted the app: an app registered by anyone else gets a signed-in Global Administrator's browser no API access", async () => {
    await enableTemporaryAccessPass();
    const target = await makeUser();
    // The attack: an app without granted permissions (any Application Administrator can register
    // one) sends a signed-in Global Administrator through its sign-in and redeems the code.
    const unconsented = await applicationWith([]);
    const { accessToken } = await delegatedTokenFor(unconsented, ["Global Administrator"]);
    const payload = JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString()) as { scope?: string };
    expect(payload.scope ?? "").not.toMatch(/UserAuthenticationMethod|Policy\.|AuditLog/);
    const tap = await raw(`/users/${target.id}/authentication/temporaryAccessPassMethods`, accessToken, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    await expectGraphError(tap, 403, "Authorization_RequestDenied");
    expect((await raw(DEVICES, accessToken)).status).toBe(403);
    expect(await db.temporaryAccessPass.count({ where: { userId: target.id } })).toBe(0);

    // Granted only the audit log: that is all a person's token through it can reach.
    const logsOnly = await applicationWith(["AuditLog.Read.All"]);
    const logs = await delegatedTokenFor(logsOnly, ["Global Administrator"]);
    expect((await raw("/auditLogs/directoryAudits?$top=1", logs.accessToken)).status).toBe(200);
    await expectGraphError(await raw(DEVICES, logs.accessToken), 403);
    // A grant revoked later is cut from tokens already issued.
    await setApplicationApiPermission({ db, applicationId: logsOnly.applicationId, permission: "AuditLog.Read.All", granted: false, actor: systemActor, now: new Date() });
    await expectGraphError(await raw("/auditLogs/directoryAudits?$top=1", logs.accessToken), 403);
  });

  it("a delegated token ends with the portal session it came from (sign-out, revoke), not an hour later", async () => {
    const app = await applicationWith(ALL);
    const { accessToken, portalSessionId } = await delegatedTokenFor(app, ["Helpdesk Administrator"]);
    const payload = JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString()) as Record<string, unknown>;
    expect(payload.portal_sid).toBe(portalSessionId);
    expect((await raw(`${DEVICES}?$top=1`, accessToken)).status).toBe(200);
    await revokeUserSession({ db, sessionId: portalSessionId, now: new Date() });
    const ended = await expectGraphError(await raw(`${DEVICES}?$top=1`, accessToken), 401, "InvalidAuthenticationToken");
    expect(ended.message).toMatch(/has ended/);
  });

  it("a person's delegated token acts with their roles: a Helpdesk Administrator may read tokens but not assign, a Privileged Authentication Administrator may", async () => {
    const target = await makeUser();
    const device = await db.hardwareToken.create({ data: { serialNumber: unique("DEL"), manufacturer: "", model: "", ...sealedSeed() } });
    const app = await applicationWith(ALL);
    const delegatedToken = async (roles: Role[]) => (await delegatedTokenFor(app, roles)).accessToken;
    const helpdesk = await delegatedToken(["Helpdesk Administrator"]);
    expect((await raw(`${DEVICES}/${device.id}`, helpdesk)).status).toBe(200);
    const refused = await raw(`/users/${target.id}/authentication/hardwareOathMethods`, helpdesk, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ device: { id: device.id } }) });
    await expectGraphError(refused, 403, "Authorization_RequestDenied");
    await expectGraphError(await raw("/auditLogs/directoryAudits", helpdesk), 403);
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: device.id } })).userId).toBeNull();

    const privileged = await delegatedToken(["Privileged Authentication Administrator"]);
    const assigned = await raw(`/users/${target.id}/authentication/hardwareOathMethods`, privileged, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ device: { id: device.id } }) });
    expect(assigned.status).toBe(201);
    const event = await db.auditEvent.findFirst({ where: { action: "Assign hardware token", targetId: device.id } });
    expect(event?.actorUpn).toMatch(/^user/);
  });
});

describe("application secrets and admin consent", () => {
  // A client secret is the application's identity: whoever adds one acts with every application
  // permission a Global Administrator granted it. An Application Administrator (who may not grant
  // them) must not be able to take over an application holding them that way.
  it("an Application Administrator can't add a secret to an application holding API permissions (and so act with them); a Global Administrator can", async () => {
    await enableTemporaryAccessPass();
    const app = await applicationWith(["UserAuthenticationMethod.ReadWrite.All"]);
    const globalAdmin = await makeUser({ roles: ["Global Administrator"] });
    const appAdmin = await makeUser({ roles: ["Application Administrator"] });
    const actorOf = (user: { id: string; upn: string }, roles: string[]) => ({ id: user.id, upn: user.upn, roles, ipAddress: "203.0.113.7" });
    const secretsBefore = await db.applicationSecret.count({ where: { applicationId: app.applicationId } });

    const added = await addApplicationSecret({ db, applicationId: app.applicationId, days: 30, actor: actorOf(appAdmin, ["Application Administrator"]), now: new Date() });
    if (added.ok) {
      // What the secret is worth: a Temporary Access Pass for a Global Administrator.
      const { accessToken } = await clientCredentialsToken(server.issuer, { clientId: app.clientId, secret: added.secret }, ["UserAuthenticationMethod.ReadWrite.All"]);
      const tap = await raw(`/users/${globalAdmin.id}/authentication/temporaryAccessPassMethods`, accessToken, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      expect(tap.status, "the Application Administrator's new secret issued a TAP for a Global Administrator").not.toBe(201);
    }
    expect(added).toMatchObject({ ok: false, reason: expect.stringMatching(/Global Administrator/) });
    expect(await db.applicationSecret.count({ where: { applicationId: app.applicationId } })).toBe(secretsBefore);
    expect(await db.auditEvent.count({ where: { action: "Add application secret", targetId: app.applicationId } })).toBe(0);

    // A Global Administrator rotates it; an Application Administrator still manages an application without API permissions.
    const byGlobalAdmin = await addApplicationSecret({ db, applicationId: app.applicationId, days: 30, actor: actorOf(globalAdmin, ["Global Administrator"]), now: new Date() });
    expect(byGlobalAdmin.ok).toBe(true);
    const plain = await applicationWith([]);
    expect((await addApplicationSecret({ db, applicationId: plain.applicationId, days: 30, actor: actorOf(appAdmin, ["Application Administrator"]), now: new Date() })).ok).toBe(true);
  });
});

describe("bad input", () => {
  it("answers wrong content type, malformed JSON, a 10 MB body, unknown fields, wrong types and unknown ids with Graph's error, changing nothing", async () => {
    const { accessToken } = await tokenFor(["Policy.ReadWrite.AuthenticationMethod", "UserAuthenticationMethod.ReadWrite.All"]);
    const user = await makeUser();
    const countBefore = await db.hardwareToken.count();
    const auditBefore = await db.auditEvent.count();
    const post = (body: BodyInit, type = "application/json", path = DEVICES) => raw(path, accessToken, { method: "POST", headers: { "Content-Type": type }, body });

    await expectGraphError(await post("serialNumber=1", "application/x-www-form-urlencoded"), 415, "UnsupportedMediaType");
    await expectGraphError(await post('{"serialNumber": "A1", '), 400, "Request_BadRequest");
    await expectGraphError(await post(""), 400);
    await expectGraphError(await post(JSON.stringify({ value: [{ serialNumber: "big", secretKey: "A".repeat(10 * 1024 * 1024) }] })), 413, "Request_EntityTooLarge");
    const unknown = await expectGraphError(await post(JSON.stringify({ serialNumber: "X1", secretKey: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", colour: "blue" })), 400);
    expect(unknown.details?.[0].message).toMatch(/colour/);
    const types = await expectGraphError(await post(JSON.stringify({ serialNumber: 12345, secretKey: true })), 400);
    expect(types.details?.map((d) => d.target).sort()).toEqual(["secretKey", "serialNumber"]);
    await expectGraphError(await post(JSON.stringify({ value: "not a list" })), 400);
    await expectGraphError(await post(JSON.stringify([1, 2, 3])), 400);
    await expectGraphError(await post(JSON.stringify({ value: Array.from({ length: 1001 }, () => ({})) })), 400);
    await expectGraphError(await raw(`${DEVICES}?$top=0`, accessToken), 400);
    await expectGraphError(await raw(`${DEVICES}?$top=abc`, accessToken), 400);
    await expectGraphError(await raw(`${DEVICES}?$skiptoken=garbage`, accessToken), 400);
    await expectGraphError(await raw(`${DEVICES}?$orderby=serialNumber`, accessToken), 400);
    await expectGraphError(await raw(`${DEVICES}?$filter=status%20ne%20'x'`, accessToken), 400);
    await expectGraphError(await raw(`${DEVICES}/no-such-device`, accessToken), 404, "Request_ResourceNotFound");
    await expectGraphError(await raw(`${DEVICES}/no-such-device`, accessToken, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: '{"displayName":"x"}' }), 404);
    await expectGraphError(await raw(`${DEVICES}/no-such-device`, accessToken, { method: "DELETE" }), 404);
    await expectGraphError(await post(JSON.stringify({ device: { id: "no-such-device" } }), "application/json", `/users/${user.id}/authentication/hardwareOathMethods`), 404);
    await expectGraphError(await post(JSON.stringify({ device: { id: "x" } }), "application/json", "/users/nobody@contoso.example/authentication/hardwareOathMethods"), 404);
    await expectGraphError(await post(JSON.stringify({ device: "x" }), "application/json", `/users/${user.id}/authentication/hardwareOathMethods`), 400);
    await expectGraphError(await raw("/no/such/resource", accessToken), 404);
    await expectGraphError(await raw(DEVICES, accessToken, { method: "PUT" }), 405);
    expect(await db.hardwareToken.count()).toBe(countBefore);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });

  it("limits each client's requests per minute: 429 with Retry-After", async () => {
    const { accessToken } = await tokenFor(["Policy.Read.AuthenticationMethod"]);
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    try {
      for (let i = 0; i < 3; i++) expect((await raw(`${DEVICES}?$top=1`, accessToken)).status).toBe(200);
      const limited = await raw(`${DEVICES}?$top=1`, accessToken);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(60);
      await expectGraphError(limited, 429, "TooManyRequests");
    } finally {
      delete process.env.API_RATE_LIMIT_PER_MINUTE;
    }
  });

  it("serves the OpenAPI document without a token", async () => {
    const response = await fetch(`${server.origin}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain(DEVICES);
  });
});
