import { z } from "zod";
import type { Database } from "../../db/client";
import { issueTemporaryAccessPass } from "../../directory/issue-temporary-access-pass";
import { setDefaultMethodAsAdmin } from "../../directory/set-default-method";
import { USER_NOT_FOUND } from "../../directory/user-action";
import { deleteUserMethod, getUserDetails, type AdminMethodView } from "../../directory/users";
import { emailMethodId } from "../../methods/email-method-id";
import { temporaryAccessPassMethodId } from "../../methods/temporary-access-pass";
import { methodIdOf } from "../../otp/oath-credential";
import { activateHardwareTokenAsAdmin } from "../../tokens/activation-rate-limit";
import { assignHardwareToken } from "../../tokens/assign-hardware-token";
import { TOKEN_NOT_FOUND } from "../../tokens/assignment-rules";
import { normaliseUpn } from "../../users/create-user";
import { passkeyMethodId } from "../../webauthn/passkeys";
import { defineRoute } from "../api-route";
import { idParam } from "../api-schemas";
import { apiErrors, graphErrorSchema } from "../graph-error";
import { hardwareOathDeviceSchema } from "./hardware-oath-devices";

const READ = { scopes: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"], permission: "users.read" } as const;
const WRITE = "UserAuthenticationMethod.ReadWrite.All";
/** Graph's well-known id of every user's password method. */
const PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490";

const ODATA_TYPES = {
  password: "#microsoft.graph.passwordAuthenticationMethod",
  "Hardware token": "#microsoft.graph.hardwareOathAuthenticationMethod",
  "Authenticator app": "#microsoft.graph.softwareOathAuthenticationMethod",
  Passkey: "#microsoft.graph.fido2AuthenticationMethod",
  Email: "#microsoft.graph.emailAuthenticationMethod",
  "Temporary Access Pass": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
} as const;

export const authenticationMethodSchema = z.strictObject({
  "@odata.type": z.enum(Object.values(ODATA_TYPES) as [string, ...string[]]),
  id: z.string(),
  displayName: z.string().nullable(),
  status: z.string().nullable().meta({ description: "The portal's state of the method (e.g. a hardware token's available/assigned/activated/failedActivation)" }),
  isDefault: z.boolean(),
});

const hardwareOathMethodSchema = z.strictObject({
  "@odata.type": z.literal(ODATA_TYPES["Hardware token"]),
  id: z.string(),
  device: hardwareOathDeviceSchema,
});

const userParams = z.strictObject({ userId: idParam("user").meta({ description: "The user's id or user principal name" }) });
const userMethodParams = z.strictObject({ userId: userParams.shape.userId, methodId: idParam("method") });

/** The user a path names, by id or by UPN (anything with an @). */
async function findUser(db: Database, idOrUpn: string): Promise<{ id: string; upn: string }> {
  const where = idOrUpn.includes("@") ? { upn: normaliseUpn(idOrUpn) } : { id: idOrUpn };
  const user = await db.user.findUnique({ where, select: { id: true, upn: true } });
  if (!user) throw apiErrors.notFound(`No user has the id or user principal name ${idOrUpn}.`);
  return user;
}

/** A domain refusal as Graph's error: a user, token or method that isn't there is a 404, the rest a 400. */
function refusal(reason: string): never {
  if (reason === USER_NOT_FOUND || reason === TOKEN_NOT_FOUND || /no longer (exists|on)/.test(reason)) throw apiErrors.notFound(reason);
  throw apiErrors.badRequest(reason);
}

function entityId(method: AdminMethodView): string {
  return method.tokenId ?? method.methodId.slice(method.methodId.indexOf(":") + 1);
}

async function loadHardwareMethod(db: Database, userId: string, tokenId: string) {
  const row = await db.hardwareToken.findFirst({
    where: { id: tokenId, userId },
    select: { id: true, friendlyName: true, serialNumber: true, manufacturer: true, model: true, period: true, algorithm: true, status: true, lastUsedAt: true, user: { select: { id: true, displayName: true } } },
  });
  if (!row) throw apiErrors.notFound(`The user holds no hardware OATH token with the id ${tokenId}.`);
  const hash = ({ SHA256: "hmacsha256", SHA512: "hmacsha512" } as const)[row.algorithm as "SHA256" | "SHA512"] ?? "hmacsha1";
  return {
    "@odata.type": ODATA_TYPES["Hardware token"],
    id: row.id,
    device: {
      id: row.id, displayName: row.friendlyName, serialNumber: row.serialNumber, manufacturer: row.manufacturer, model: row.model, secretKey: null,
      timeIntervalInSeconds: row.period === 60 ? 60 : 30, hashFunction: hash, status: row.status, lastUsedDateTime: row.lastUsedAt?.toISOString() ?? null,
      assignedTo: row.user ? { id: row.user.id, displayName: row.user.displayName } : null,
    },
  };
}

/** DELETE …/authentication/<collection>/{id}: Graph's per-type collections, each mapped to the portal's method id. */
const DELETABLE = {
  hardwareOathMethods: (id: string) => methodIdOf({ kind: "hardwareToken", id }),
  softwareOathMethods: (id: string) => methodIdOf({ kind: "authenticatorApp", id }),
  temporaryAccessPassMethods: temporaryAccessPassMethodId,
  emailMethods: emailMethodId,
  fido2Methods: passkeyMethodId,
} as const;

const temporaryAccessPassSchema = z.strictObject({
  "@odata.type": z.literal(ODATA_TYPES["Temporary Access Pass"]),
  id: z.string(),
  temporaryAccessPass: z.string().meta({ description: "The pass: in this response only, never again" }),
  createdDateTime: z.string(),
  startDateTime: z.string(),
  lifetimeInMinutes: z.number().int(),
  isUsableOnce: z.boolean(),
});

const signInPreferencesSchema = z.strictObject({
  userPreferredMethodForSecondaryAuthentication: z.enum(["oath", "email", "fido2", "none"]).meta({ description: "The type of the user's default sign-in method" }),
  isSystemPreferredAuthenticationMethodEnabled: z.boolean(),
});

function preferenceOf(methodType: string | undefined): z.infer<typeof signInPreferencesSchema>["userPreferredMethodForSecondaryAuthentication"] {
  if (methodType === "Hardware token" || methodType === "Authenticator app") return "oath";
  if (methodType === "Email") return "email";
  if (methodType === "Passkey") return "fido2";
  return "none";
}

export const userAuthenticationMethodRoutes = [
  defineRoute({
    method: "GET",
    path: "/users/{userId}/authentication/methods",
    operationId: "listUserAuthenticationMethods",
    summary: "List a user's authentication methods (also those not usable yet), the default marked",
    tag: "userAuthenticationMethods",
    access: READ,
    params: userParams,
    responses: { 200: { description: "The methods", schema: z.strictObject({ value: z.array(authenticationMethodSchema) }) }, 404: { description: "No such user", schema: graphErrorSchema } },
    handle: async ({ db, params, now }) => {
      const user = await findUser(db, params.userId);
      const details = await getUserDetails({ db, userId: user.id, now });
      if (!details) throw apiErrors.notFound(USER_NOT_FOUND);
      const value = [
        { "@odata.type": ODATA_TYPES.password, id: PASSWORD_METHOD_ID, displayName: "Password", status: null, isDefault: false },
        ...details.methods.map((m) => ({ "@odata.type": ODATA_TYPES[m.type], id: entityId(m), displayName: m.name, status: m.status, isDefault: m.isDefault })),
      ];
      return { status: 200, body: { value } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/users/{userId}/authentication/hardwareOathMethods",
    operationId: "listUserHardwareOathMethods",
    summary: "List the hardware OATH tokens a user holds",
    tag: "userAuthenticationMethods",
    access: READ,
    params: userParams,
    responses: { 200: { description: "The user's hardware OATH methods", schema: z.strictObject({ value: z.array(hardwareOathMethodSchema) }) } },
    handle: async ({ db, params }) => {
      const user = await findUser(db, params.userId);
      const tokens = await db.hardwareToken.findMany({ where: { userId: user.id }, select: { id: true }, orderBy: { serialNumber: "asc" } });
      return { status: 200, body: { value: await Promise.all(tokens.map((t) => loadHardwareMethod(db, user.id, t.id))) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/users/{userId}/authentication/hardwareOathMethods",
    operationId: "assignHardwareOathMethod",
    summary: "Assign an available hardware OATH token to the user (the console's Assign: same rules, audit and notice)",
    tag: "userAuthenticationMethods",
    access: { scopes: [WRITE], permission: "tokens.assign" },
    params: userParams,
    body: z.strictObject({ device: z.strictObject({ id: z.string({ error: "device.id is required: the hardware OATH device's id." }).min(1).max(200) }, { error: "device is required: { \"id\": \"<device id>\" }." }) }),
    responses: { 201: { description: "The new method", schema: hardwareOathMethodSchema }, 400: { description: "Refused (not available, method limit, …)", schema: graphErrorSchema }, 404: { description: "No such user or device", schema: graphErrorSchema } },
    handle: async ({ db, caller, params, body, now }) => {
      const user = await findUser(db, params.userId);
      const result = await assignHardwareToken({ db, tokenId: body.device.id, upn: user.upn, actor: caller.actor, now });
      if (!result.ok && result.reason === TOKEN_NOT_FOUND) throw apiErrors.notFound(`No hardware OATH device has the id ${body.device.id}.`);
      if (!result.ok) refusal(result.reason);
      return { status: 201, body: await loadHardwareMethod(db, user.id, body.device.id) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/users/{userId}/authentication/hardwareOathMethods/{methodId}/activate",
    operationId: "activateHardwareOathMethod",
    summary: "Activate the user's hardware OATH token with the code it shows now (about ±1 day of clock drift is measured and learned)",
    tag: "userAuthenticationMethods",
    access: { scopes: [WRITE], permission: "tokens.activate" },
    params: userMethodParams,
    body: z.strictObject({ verificationCode: z.string({ error: "verificationCode is required, as a string of digits (\"012345\")." }).max(32, "verificationCode is too long.") }),
    responses: { 204: { description: "Activated" }, 400: { description: "Wrong code or not activatable", schema: graphErrorSchema }, 404: { description: "No such user or method", schema: graphErrorSchema } },
    handle: async ({ db, caller, params, body, now }) => {
      const user = await findUser(db, params.userId);
      await loadHardwareMethod(db, user.id, params.methodId);
      const result = await activateHardwareTokenAsAdmin({ db, tokenId: params.methodId, code: body.verificationCode, actor: caller.actor, now });
      if (!result.ok) refusal(result.reason);
      return { status: 204 };
    },
  }),
  ...Object.entries(DELETABLE).map(([collection, methodIdFor]) =>
    defineRoute({
      method: "DELETE",
      path: `/users/{userId}/authentication/${collection}/{methodId}`,
      operationId: `delete${collection[0].toUpperCase()}${collection.slice(1, -1)}`,
      summary: collection === "hardwareOathMethods" ? "Remove a hardware OATH token from the user (it goes back to the inventory, available)" : `Delete one of the user's ${collection}`,
      tag: "userAuthenticationMethods",
      access: { scopes: [WRITE], permission: "methods.manage" },
      params: userMethodParams,
      responses: { 204: { description: "Deleted" }, 404: { description: "No such user or method", schema: graphErrorSchema } },
      handle: async ({ db, caller, params }) => {
        const user = await findUser(db, params.userId);
        const result = await deleteUserMethod({ db, userId: user.id, methodId: methodIdFor(params.methodId), actor: caller.actor });
        if (!result.ok) refusal(result.reason);
        return { status: 204 };
      },
    }),
  ),
  defineRoute({
    method: "POST",
    path: "/users/{userId}/authentication/temporaryAccessPassMethods",
    operationId: "createTemporaryAccessPassMethod",
    summary: "Issue a Temporary Access Pass (the policy's limits); the pass is in this response only",
    tag: "userAuthenticationMethods",
    access: { scopes: [WRITE], permission: "tap.issue" },
    params: userParams,
    body: z.strictObject({
      startDateTime: z.iso.datetime({ offset: true, error: "startDateTime must be an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z." }).optional(),
      lifetimeInMinutes: z.number({ error: "lifetimeInMinutes must be a whole number of minutes." }).int("lifetimeInMinutes must be a whole number of minutes.").min(1).max(43200).optional(),
      isUsableOnce: z.boolean({ error: "isUsableOnce must be true or false." }).optional(),
    }),
    responses: { 201: { description: "The pass", schema: temporaryAccessPassSchema }, 400: { description: "Refused by the policy", schema: graphErrorSchema } },
    handle: async ({ db, caller, params, body, now }) => {
      const user = await findUser(db, params.userId);
      const result = await issueTemporaryAccessPass({
        db, userId: user.id, actor: caller.actor, now,
        lifetimeMinutes: body.lifetimeInMinutes, oneTimeUse: body.isUsableOnce, startsAt: body.startDateTime ? new Date(body.startDateTime) : undefined,
      });
      if (!result.ok) refusal(result.reason);
      const row = await db.temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id }, select: { id: true, createdAt: true } });
      return {
        status: 201,
        body: {
          "@odata.type": ODATA_TYPES["Temporary Access Pass"], id: row.id, temporaryAccessPass: result.pass, createdDateTime: row.createdAt.toISOString(),
          startDateTime: result.startsAt.toISOString(), lifetimeInMinutes: Math.round((result.expiresAt.getTime() - result.startsAt.getTime()) / 60_000), isUsableOnce: result.oneTimeUse,
        },
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/users/{userId}/authentication/signInPreferences",
    operationId: "getSignInPreferences",
    summary: "The type of the user's default sign-in method",
    tag: "userAuthenticationMethods",
    access: READ,
    params: userParams,
    responses: { 200: { description: "The preferences", schema: signInPreferencesSchema } },
    handle: async ({ db, params, now }) => {
      const user = await findUser(db, params.userId);
      const details = await getUserDetails({ db, userId: user.id, now });
      const preferred = details?.methods.find((m) => m.isDefault);
      return { status: 200, body: { userPreferredMethodForSecondaryAuthentication: preferenceOf(preferred?.type), isSystemPreferredAuthenticationMethodEnabled: false } };
    },
  }),
  defineRoute({
    method: "PATCH",
    path: "/users/{userId}/authentication/signInPreferences",
    operationId: "updateSignInPreferences",
    summary: "Make the user's first usable method of a type (oath: hardware token, else authenticator app; email; fido2: their passkeys) their default",
    tag: "userAuthenticationMethods",
    access: { scopes: [WRITE], permission: "methods.manage" },
    params: userParams,
    body: z.strictObject({ userPreferredMethodForSecondaryAuthentication: z.enum(["oath", "email", "fido2"], { error: "userPreferredMethodForSecondaryAuthentication must be oath, email or fido2." }) }),
    responses: { 204: { description: "Changed" }, 400: { description: "The user has no usable method of that type", schema: graphErrorSchema } },
    handle: async ({ db, caller, params, body }) => {
      const user = await findUser(db, params.userId);
      const result = await setDefaultMethodAsAdmin({ db, userId: user.id, type: body.userPreferredMethodForSecondaryAuthentication, actor: caller.actor });
      if (!result.ok) refusal(result.reason);
      return { status: 204 };
    },
  }),
];
