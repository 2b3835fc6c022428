import { z } from "zod";
import { API_PERMISSION_DESCRIPTIONS, API_PERMISSIONS, apiAudience } from "../oidc/api-permissions";
import { oidcIssuer } from "../oidc/issuer";
import { MAX_BODY_BYTES } from "./api-request-body";
import { API_ROUTES } from "./api-routes";
import { graphErrorSchema } from "./graph-error";

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as requests are read or responses written. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/GraphError" } } } });

/** Properties of a zod object (path or query parameters), each with its JSON Schema. */
function parametersOf(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === "path" || (object.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

let cached: unknown = null;

/**
 * The OpenAPI 3.1 document of the API, generated from the same route table and zod schemas that
 * validate requests (lib/api/api-routes.ts), so the contract and the server can't drift.
 */
export function openApiDocument(): unknown {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = response.schema
        ? { description: response.description, content: { "application/json": { schema: status.startsWith("2") ? jsonSchema(response.schema, "output") : { $ref: "#/components/schemas/GraphError" } } } }
        : { description: response.description };
    }
    for (const [status, description] of [
      ["400", "Bad input: validation (the zod issues in error.details), malformed JSON, unsupported $filter"],
      ["401", "No, an invalid or an expired access token"],
      ["403", "The token lacks the permission, or the person's roles don't allow it"],
      ["429", "Rate limit reached; see Retry-After"],
    ] as const) responses[status] ??= errorResponse(description);
    if (route.body) {
      responses["413"] ??= errorResponse(`Body larger than ${MAX_BODY_BYTES / 1024} KiB`);
      responses["415"] ??= errorResponse("Content-Type is not application/json");
    }
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      description: `Permission: ${route.access.scopes.join(" or ")} (for a person's token also the portal permission ${route.access.permission}).`,
      security: [{ oauth2: [...route.access.scopes] }],
      parameters: [...parametersOf(route.params, "path"), ...parametersOf(route.query, "query")],
      ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } } } : {}),
      responses,
    };
  }
  const scopes = Object.fromEntries(API_PERMISSIONS.map((p) => [p, API_PERMISSION_DESCRIPTIONS[p]]));
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Security info portal automation API",
      version: "1.0.0",
      description: "Hardware OATH tokens, users' authentication methods and the logs, shaped like Microsoft Graph. Every refusal is {\"error\":{\"code\",\"message\"}}.",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: apiAudience() }],
    tags: [
      { name: "hardwareOathDevices", description: "The hardware token inventory" },
      { name: "userAuthenticationMethods", description: "A user's authentication methods" },
      { name: "auditLogs", description: "Sign-in and audit logs" },
    ],
    security: [{ oauth2: [] }],
    paths,
    components: {
      schemas: { GraphError: jsonSchema(graphErrorSchema, "output") },
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: `JWT access tokens of the portal's OpenID Connect provider for the resource ${apiAudience()}.`,
          flows: {
            clientCredentials: { tokenUrl: `${oidcIssuer()}/token`, scopes },
            authorizationCode: { authorizationUrl: `${oidcIssuer()}/auth`, tokenUrl: `${oidcIssuer()}/token`, scopes },
          },
        },
      },
    },
  };
  return cached;
}
