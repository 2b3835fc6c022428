import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";

const base64url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*$/, "not base64url");

const registration = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.object({ clientDataJSON: base64url, attestationObject: base64url, transports: z.array(z.string().max(32)).max(10).optional() }).passthrough(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
});

const authentication = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.object({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: base64url.optional() }).passthrough(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
});

function parseJson<T>(text: string, schema: z.ZodType): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as T) : null;
  } catch {
    return null;
  }
}

/** The browser's create() answer as a form sends it (JSON text); null when it isn't one. */
export function parseRegistrationResponse(text: string): RegistrationResponseJSON | null {
  return parseJson<RegistrationResponseJSON>(text, registration);
}

/** The browser's get() answer as a form sends it (JSON text); null when it isn't one. */
export function parseAuthenticationResponse(text: string): AuthenticationResponseJSON | null {
  return parseJson<AuthenticationResponseJSON>(text, authentication);
}
