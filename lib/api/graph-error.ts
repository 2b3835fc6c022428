import { z } from "zod";

/** Microsoft Graph's error body: every refusal of the API has this shape. */
export const graphErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({ description: "A machine-readable code, as Graph names them (e.g. Authorization_RequestDenied)" }),
    message: z.string().meta({ description: "What went wrong and what to do, for a person reading the script's log" }),
    details: z.array(z.strictObject({ code: z.string(), message: z.string(), target: z.string() })).optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof graphErrorSchema>;

/** A refusal on its way out: the status, Graph's code and a message; thrown anywhere in a handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { code: string; message: string; target: string }[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  body(): GraphErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const apiErrors = {
  unauthenticated: (message: string) =>
    new ApiError(401, "InvalidAuthenticationToken", message, undefined, { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' }),
  forbidden: (message: string) => new ApiError(403, "Authorization_RequestDenied", message),
  notFound: (message: string) => new ApiError(404, "Request_ResourceNotFound", message),
  badRequest: (message: string, details?: { code: string; message: string; target: string }[]) => new ApiError(400, "Request_BadRequest", message, details),
  conflict: (message: string) => new ApiError(409, "Request_Conflict", message),
};

/** A zod failure as a 400: the first issue in the message, every issue in `details` (target = the field's path). */
export function validationError(error: z.ZodError, where: "body" | "query" | "path"): ApiError {
  const details = error.issues.slice(0, 50).map((issue) => ({
    code: issue.code,
    message: issue.message,
    target: issue.path.length > 0 ? issue.path.join(".") : where,
  }));
  const first = details[0];
  return apiErrors.badRequest(`Invalid ${where}: ${first.target === where ? "" : `${first.target}: `}${first.message}`, details);
}
