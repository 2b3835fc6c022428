import { z } from "zod";
import type { Database } from "../../db/client";
import { addHardwareTokens, MAX_TOKENS_PER_BATCH, type TokenToAdd } from "../../tokens/add-hardware-tokens";
import { TOKEN_NOT_FOUND } from "../../tokens/assignment-rules";
import { deleteHardwareToken } from "../../tokens/delete-hardware-token";
import { renameHardwareToken } from "../../tokens/rename-hardware-token";
import { TOKEN_STATUSES } from "../../tokens/list-hardware-tokens";
import { MAX_LABEL_LENGTH, MAX_SERIAL_LENGTH } from "../../tokens/validate-seed-row";
import { defineRoute } from "../api-route";
import { collectionOf, decodeCursor, encodeCursor, idParam, identitySchema, nextLink, pagingQuery } from "../api-schemas";
import { apiErrors, graphErrorSchema, validationError } from "../graph-error";
import { parseODataFilter } from "../odata-filter";

const DEVICES_PATH = "/directory/authenticationMethodDevices/hardwareOathDevices";
const READ = { scopes: ["Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"], permission: "tokens.read" } as const;
const HASH_FUNCTIONS = { SHA1: "hmacsha1", SHA256: "hmacsha256", SHA512: "hmacsha512" } as const;

/** A hardware OATH token as Graph's hardwareOathTokenAuthenticationMethodDevice; the secret is never read back. */
export const hardwareOathDeviceSchema = z.strictObject({
  id: z.string(),
  displayName: z.string().nullable().meta({ description: "The holder's name for it; null when none was given" }),
  serialNumber: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  secretKey: z.null().meta({ description: "Write-only: always null when read" }),
  timeIntervalInSeconds: z.union([z.literal(30), z.literal(60)]),
  hashFunction: z.enum(["hmacsha1", "hmacsha256", "hmacsha512"]),
  status: z.enum(TOKEN_STATUSES),
  lastUsedDateTime: z.string().nullable(),
  assignedTo: identitySchema.nullable().meta({ description: "The user holding it" }),
});
export type HardwareOathDevice = z.infer<typeof hardwareOathDeviceSchema>;

/** A device to create (Graph's properties; secretKey Base32). */
export const newHardwareOathDeviceSchema = z.strictObject({
  serialNumber: z.string({ error: "serialNumber is required (a string)." }).max(MAX_SERIAL_LENGTH * 4, "serialNumber is too long."),
  secretKey: z.string({ error: "secretKey is required: the token's seed in Base32." }).max(1024, "secretKey is too long."),
  manufacturer: z.string().max(MAX_LABEL_LENGTH * 4).optional(),
  model: z.string().max(MAX_LABEL_LENGTH * 4).optional(),
  displayName: z.string().max(MAX_LABEL_LENGTH * 4).optional(),
  timeIntervalInSeconds: z.union([z.literal(30), z.literal(60)], { error: "timeIntervalInSeconds must be 30 or 60." }).optional(),
  hashFunction: z.enum(["hmacsha1", "hmacsha256", "hmacsha512"], { error: "hashFunction must be hmacsha1, hmacsha256 or hmacsha512." }).optional(),
  assignTo: z.strictObject({ id: z.string().min(1).max(200) }).optional().meta({ description: "Assign the token to this user at once" }),
});
type NewDevice = z.infer<typeof newHardwareOathDeviceSchema>;

export const deviceBatchSchema = z.strictObject({
  value: z.array(newHardwareOathDeviceSchema).min(1, "value is empty: send at least one device.").max(MAX_TOKENS_PER_BATCH, `At most ${MAX_TOKENS_PER_BATCH} devices per request.`),
});

const deviceResultSchema = z.strictObject({
  index: z.number().int().meta({ description: "The position of the device in the request's value array" }),
  status: z.enum(["created", "alreadyPresent", "failed"]),
  id: z.string().optional(),
  serialNumber: z.string().nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
const batchResultSchema = z.strictObject({ value: z.array(deviceResultSchema) });

const deviceSelect = {
  id: true, friendlyName: true, serialNumber: true, manufacturer: true, model: true, period: true, algorithm: true, status: true, lastUsedAt: true,
  user: { select: { id: true, displayName: true } },
} as const;

function toDevice(row: { id: string; friendlyName: string | null; serialNumber: string; manufacturer: string; model: string; period: number; algorithm: string; status: string; lastUsedAt: Date | null; user: { id: string; displayName: string } | null }): HardwareOathDevice {
  return {
    id: row.id,
    displayName: row.friendlyName,
    serialNumber: row.serialNumber,
    manufacturer: row.manufacturer,
    model: row.model,
    secretKey: null,
    timeIntervalInSeconds: row.period === 60 ? 60 : 30,
    hashFunction: HASH_FUNCTIONS[row.algorithm as keyof typeof HASH_FUNCTIONS] ?? "hmacsha1",
    status: row.status as HardwareOathDevice["status"],
    lastUsedDateTime: row.lastUsedAt?.toISOString() ?? null,
    assignedTo: row.user ? { id: row.user.id, displayName: row.user.displayName } : null,
  };
}

async function loadDevice(db: Database, id: string): Promise<HardwareOathDevice> {
  const row = await db.hardwareToken.findUnique({ where: { id }, select: deviceSelect });
  if (!row) throw apiErrors.notFound(`No hardware OATH device has the id ${id}.`);
  return toDevice(row);
}

function toTokenToAdd(device: NewDevice): TokenToAdd {
  return {
    serialNumber: device.serialNumber,
    secretKey: device.secretKey,
    manufacturer: device.manufacturer,
    model: device.model,
    period: device.timeIntervalInSeconds,
    hash: device.hashFunction?.replace("hmac", ""),
    assignToUserId: device.assignTo?.id ?? null,
  };
}

const listQuery = z.strictObject({
  ...pagingQuery,
  $filter: z.string().max(1000).optional().meta({ description: "status eq '…', serialNumber eq '…', startswith(serialNumber,'…'), assignedTo/id eq '…' (joined with and)" }),
});

const devicePathParams = z.strictObject({ deviceId: idParam("device") });

export const hardwareOathDeviceRoutes = [
  defineRoute({
    method: "GET",
    path: DEVICES_PATH,
    operationId: "listHardwareOathDevices",
    summary: "List hardware OATH tokens in serial-number order, filtered and paged",
    tag: "hardwareOathDevices",
    access: READ,
    query: listQuery,
    responses: { 200: { description: "A page of devices", schema: collectionOf(hardwareOathDeviceSchema) } },
    handle: async ({ db, query, apiBaseUrl }) => {
      const conditions = parseODataFilter(query.$filter, { status: ["eq"], serialNumber: ["eq", "startswith"], "assignedTo/id": ["eq"] });
      const after = decodeCursor(query.$skiptoken, z.string());
      if (after === "invalid") throw apiErrors.badRequest("$skiptoken is not one this API issued. Start again from the first page.");
      const where: Record<string, unknown> = {};
      const serial: Record<string, string> = {};
      for (const c of conditions) {
        if (c.property === "status") where.status = c.value;
        else if (c.property === "assignedTo/id") where.userId = c.value;
        else if (c.operator === "eq") serial.equals = c.value;
        else serial.startsWith = c.value;
      }
      if (after !== null) serial.gt = after;
      if (Object.keys(serial).length > 0) where.serialNumber = serial;
      const rows = await db.hardwareToken.findMany({ where, orderBy: { serialNumber: "asc" }, take: query.$top + 1, select: deviceSelect });
      const page = rows.slice(0, query.$top);
      const more = rows.length > query.$top;
      return {
        status: 200,
        body: {
          ...(more ? { "@odata.nextLink": nextLink({ apiBaseUrl, path: DEVICES_PATH, query: { $top: query.$top, $filter: query.$filter }, cursor: encodeCursor(page[page.length - 1].serialNumber) }) } : {}),
          value: page.map(toDevice),
        },
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: `${DEVICES_PATH}/{deviceId}`,
    operationId: "getHardwareOathDevice",
    summary: "Get one hardware OATH token",
    tag: "hardwareOathDevices",
    access: READ,
    params: devicePathParams,
    responses: { 200: { description: "The device", schema: hardwareOathDeviceSchema }, 404: { description: "No such device", schema: graphErrorSchema } },
    handle: async ({ db, params }) => ({ status: 200, body: await loadDevice(db, params.deviceId) }),
  }),
  defineRoute({
    method: "POST",
    path: DEVICES_PATH,
    operationId: "createHardwareOathDevices",
    summary: "Add one device (201 with the device), or many as { value: [...] } (200 with one result per device, the CSV import's rules and failure reasons)",
    tag: "hardwareOathDevices",
    access: { scopes: ["Policy.ReadWrite.AuthenticationMethod"], permission: "tokens.upload" },
    body: z.union([newHardwareOathDeviceSchema, deviceBatchSchema]),
    rawBody: true,
    responses: {
      200: { description: "Per-device results of a batch", schema: batchResultSchema },
      201: { description: "The created device", schema: hardwareOathDeviceSchema },
    },
    handle: async ({ db, caller, body, now }) => {
      const isBatch = body !== null && typeof body === "object" && !Array.isArray(body) && "value" in body;
      if (!isBatch) {
        const parsed = newHardwareOathDeviceSchema.safeParse(body);
        if (!parsed.success) throw validationError(parsed.error, "body");
        const [result] = await addHardwareTokens({ db, tokens: [toTokenToAdd(parsed.data)], actor: caller.actor, now });
        if (!result.ok) throw apiErrors.badRequest(result.reason);
        if (!result.created) throw apiErrors.conflict(result.reason);
        if (parsed.data.displayName) await renameHardwareToken({ db, tokenId: result.id, displayName: parsed.data.displayName, actor: caller.actor });
        return { status: 201, body: await loadDevice(db, result.id) };
      }
      // The batch: the envelope must be right; each device is judged on its own.
      const envelope = z.strictObject({ value: z.array(z.unknown()).min(1, "value is empty: send at least one device.").max(MAX_TOKENS_PER_BATCH, `At most ${MAX_TOKENS_PER_BATCH} devices per request.`) }).safeParse(body);
      if (!envelope.success) throw validationError(envelope.error, "body");
      const items = envelope.data.value.map((item) => newHardwareOathDeviceSchema.safeParse(item));
      const valid = items.flatMap((item, index) => (item.success ? [{ index, device: item.data }] : []));
      const results = valid.length > 0 ? await addHardwareTokens({ db, tokens: valid.map((v) => toTokenToAdd(v.device)), actor: caller.actor, now }) : [];
      const byIndex = new Map(valid.map((v, at) => [v.index, { device: v.device, result: results[at] }]));
      for (const { device, result } of byIndex.values()) {
        if (result.ok && result.created && device.displayName) await renameHardwareToken({ db, tokenId: result.id, displayName: device.displayName, actor: caller.actor });
      }
      const value = items.map((item, index) => {
        const raw = envelope.data.value[index] as { serialNumber?: unknown } | null;
        const serialNumber = typeof raw?.serialNumber === "string" ? raw.serialNumber : null;
        if (!item.success) {
          const issue = item.error.issues[0];
          return { index, status: "failed" as const, serialNumber, error: { code: "Request_BadRequest", message: `${issue.path.join(".") || "device"}: ${issue.message}` } };
        }
        const { result } = byIndex.get(index)!;
        if (!result.ok) return { index, status: "failed" as const, serialNumber, error: { code: "invalidDevice", message: result.reason } };
        return { index, status: result.created ? ("created" as const) : ("alreadyPresent" as const), id: result.id, serialNumber };
      });
      return { status: 200, body: { value } };
    },
  }),
  defineRoute({
    method: "PATCH",
    path: `${DEVICES_PATH}/{deviceId}`,
    operationId: "updateHardwareOathDevice",
    summary: "Change a device's display name",
    tag: "hardwareOathDevices",
    access: { scopes: ["Policy.ReadWrite.AuthenticationMethod"], permission: "tokens.upload" },
    params: devicePathParams,
    body: z.strictObject({ displayName: z.string({ error: "displayName must be a string." }).max(MAX_LABEL_LENGTH, `displayName can be at most ${MAX_LABEL_LENGTH} characters.`) }),
    responses: { 200: { description: "The updated device", schema: hardwareOathDeviceSchema }, 404: { description: "No such device", schema: graphErrorSchema } },
    handle: async ({ db, caller, params, body }) => {
      const result = await renameHardwareToken({ db, tokenId: params.deviceId, displayName: body.displayName, actor: caller.actor });
      if (!result.ok) throw result.reason === TOKEN_NOT_FOUND ? apiErrors.notFound(`No hardware OATH device has the id ${params.deviceId}.`) : apiErrors.badRequest(result.reason);
      return { status: 200, body: await loadDevice(db, params.deviceId) };
    },
  }),
  defineRoute({
    method: "DELETE",
    path: `${DEVICES_PATH}/{deviceId}`,
    operationId: "deleteHardwareOathDevice",
    summary: "Delete an unassigned device (a device someone holds must be unassigned first)",
    tag: "hardwareOathDevices",
    access: { scopes: ["Policy.ReadWrite.AuthenticationMethod"], permission: "tokens.delete" },
    params: devicePathParams,
    responses: { 204: { description: "Deleted" }, 404: { description: "No such device", schema: graphErrorSchema }, 409: { description: "The device is assigned", schema: graphErrorSchema } },
    handle: async ({ db, caller, params }) => {
      const result = await deleteHardwareToken({ db, tokenId: params.deviceId, actor: caller.actor });
      if (!result.ok) throw result.reason === TOKEN_NOT_FOUND ? apiErrors.notFound(`No hardware OATH device has the id ${params.deviceId}.`) : apiErrors.conflict(result.reason);
      return { status: 204 };
    },
  }),
];
