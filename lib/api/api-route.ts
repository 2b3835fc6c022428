import type { z } from "zod";
import type { Database } from "../db/client";
import type { ApiAccess, ApiCaller } from "./api-caller";

export type ApiMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** What a handler answers: a status and a JSON body (none for 204). */
export type ApiResult = { status: number; body?: unknown };

export type ApiContext<P, Q, B> = {
  db: Database;
  caller: ApiCaller;
  params: P;
  query: Q;
  body: B;
  now: Date;
  /** The API's own base URL (`<PORTAL_BASE_URL>/api/v1`), for @odata.nextLink. */
  apiBaseUrl: string;
};

/**
 * One operation of the API: its path (OpenAPI template syntax), who may call it, the zod schemas
 * that validate its path parameters, query and body — the same schemas the OpenAPI document is
 * generated from (openapi-document.ts) — its responses, and the thin handler that calls one domain
 * function.
 */
export type ApiRoute<P = unknown, Q = unknown, B = unknown> = {
  method: ApiMethod;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: ApiAccess;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** A body the handler checks itself (e.g. per item of a batch); documented with `body`. */
  rawBody?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handle: (context: ApiContext<P, Q, B>) => Promise<ApiResult>;
};

/** Keeps each route's parameter, query and body types inferred from its schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route as unknown as ApiRoute;
}
