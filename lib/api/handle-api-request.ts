import type { z } from "zod";
import type { Database } from "../db/client";
import { apiAudience } from "../oidc/api-permissions";
import { clientIpAddress } from "../shared/client-address";
import { setting } from "../shared/config";
import { errorMessage, logger } from "../shared/logger";
import { consumeRateLimit } from "../db/rate-limit";
import { requireApiAccess, resolveApiCaller } from "./api-caller";
import { readJsonBody } from "./api-request-body";
import type { ApiRoute } from "./api-route";
import { API_ROUTES } from "./api-routes";
import { ApiError, apiErrors, validationError } from "./graph-error";
import { openApiDocument } from "./openapi-document";

export const API_PATH_PREFIX = "/api/v1";
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

/** Requests per client per minute (API_RATE_LIMIT_PER_MINUTE, default 600). */
export function apiRateLimitPerMinute(): number {
  return setting("API_RATE_LIMIT_PER_MINUTE");
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return status === 204 ? new Response(null, { status, headers: { "Cache-Control": "no-store", ...headers } }) : new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function errorResponse(error: ApiError): Response {
  return json(error.status, error.body(), error.headers);
}

/** Matches a path against a template such as `/users/{userId}/authentication/methods`; returns its parameters. */
function matchPath(template: string, path: string): Record<string, string> | null {
  const want = template.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const name = /^\{(\w+)\}$/.exec(want[i])?.[1];
    if (name) {
      if (got[i] === "") return null;
      try {
        params[name] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: "body" | "query" | "path"): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data;
}

/**
 * The automation API (`/api/v1/…`, shaped like Microsoft Graph): finds the operation, checks the
 * caller's access token, the per-client rate limit and the operation's permission, validates
 * path, query and body with the operation's zod schemas (unknown fields refused), runs its
 * handler and answers JSON. Every refusal is Graph's `{"error":{"code","message"}}`; an
 * unexpected failure is logged and answered 500 without its details.
 */
export async function handleApiRequest(options: { db: Database; request: Request; now?: Date }): Promise<Response> {
  const { db, request } = options;
  const now = options.now ?? new Date();
  try {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(API_PATH_PREFIX) ? url.pathname.slice(API_PATH_PREFIX.length).replace(/\/+$/, "") : url.pathname;
    if (path === "/openapi.json" && request.method === "GET") return json(200, openApiDocument());
    const candidates = API_ROUTES.map((route) => ({ route, params: matchPath(route.path, path) })).filter((c) => c.params !== null);
    if (candidates.length === 0) throw apiErrors.notFound(`No resource at ${url.pathname}. See ${API_PATH_PREFIX}/openapi.json.`);
    const match = candidates.find((c) => c.route.method === request.method);
    if (!match) {
      const allowed = candidates.map((c) => c.route.method).join(", ");
      throw new ApiError(405, "Request_UnsupportedQuery", `${request.method} is not supported here; use ${allowed}.`, undefined, { Allow: allowed });
    }
    const route: ApiRoute = match.route;
    const caller = await resolveApiCaller({ db, authorization: request.headers.get("authorization"), ipAddress: clientIpAddress(request.headers), now });
    const limit = apiRateLimitPerMinute();
    const decision = await consumeRateLimit({ db, key: `api:${caller.clientId}`, now, limit, windowMinutes: 1 });
    if (!decision.allowed) {
      throw new ApiError(429, "TooManyRequests", `More than ${limit} requests a minute from this application. Wait and retry.`, undefined, { "Retry-After": String(decision.retryAfterMinutes * 60) });
    }
    requireApiAccess(caller, route.access);
    const params = parseWith(route.params, match.params, "path");
    const query = parseWith(route.query, Object.fromEntries(url.searchParams), "query");
    let body: unknown;
    if (route.body || route.rawBody) {
      const raw = await readJsonBody(request);
      body = route.rawBody ? raw : parseWith(route.body, raw, "body");
    }
    const result = await route.handle({ db, caller, params, query, body, now, apiBaseUrl: apiAudience() });
    return json(result.status, result.body);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    logger().error({ err: errorMessage(error) }, "Automation API request failed");
    return errorResponse(new ApiError(500, "generalException", "The request could not be completed because of an internal error. Try again; if it keeps failing, tell the portal's administrators."));
  }
}
