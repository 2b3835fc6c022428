import { X509Certificate } from "node:crypto";
import { z } from "zod";

/** An AAGUID as WebAuthn writes it: 8-4-4-4-12 lower-case hex. */
const AAGUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function normaliseAaguid(value: string): string {
  return value.trim().toLowerCase();
}

/** The PEM blocks of an uploaded file; each must be a certificate Node can read. */
export function splitPemCertificates(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => m[0].replace(/\r\n/g, "\n"));
}

/** The subject a root certificate is listed by on the policy page. */
export function certificateSubject(pem: string): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ", ");
  } catch {
    return "Unreadable certificate";
  }
}

const rootCertificate = z.string().max(20_000, "A root certificate is at most 20,000 characters").refine((pem) => {
  try {
    return new X509Certificate(pem).ca;
  } catch {
    return false;
  }
}, "Upload PEM root (CA) certificates only: one of them is not a readable CA certificate");

/**
 * Entra's "Passkey (FIDO2)" settings: self-service setup, enforce attestation, and key
 * restrictions — allow only, or block, the listed authenticator models (AAGUIDs). Attestation is
 * checked against the root certificates the admin uploaded.
 */
export const passkeySettingsSchema = z
  .object({
    allowSelfServiceSetup: z.boolean(),
    enforceAttestation: z.boolean(),
    keyRestrictions: z.enum(["none", "allow", "block"], { message: "Choose no restrictions, Allow or Block" }),
    aaguids: z
      .array(z.string().transform(normaliseAaguid).refine((v) => AAGUID_PATTERN.test(v), "Write each AAGUID as 8-4-4-4-12 hex digits, e.g. cb69481e-8ff7-4039-93ec-0a2729a154a8"))
      .max(200, "At most 200 AAGUIDs"),
    rootCertificates: z.array(rootCertificate).max(50, "At most 50 root certificates"),
  })
  .refine((s) => s.keyRestrictions === "none" || s.aaguids.length > 0, { message: "List at least one AAGUID to allow or block", path: ["aaguids"] })
  .refine((s) => !s.enforceAttestation || s.rootCertificates.length > 0, {
    message: "Upload the root certificates of the key vendors you accept before enforcing attestation",
    path: ["rootCertificates"],
  });

export type PasskeySettings = z.infer<typeof passkeySettingsSchema>;

export const PASSKEY_SETTINGS_DEFAULTS: PasskeySettings = {
  allowSelfServiceSetup: true,
  enforceAttestation: false,
  keyRestrictions: "none",
  aaguids: [],
  rootCertificates: [],
};

/** Whether key restrictions let this authenticator model register (pure). */
export function aaguidAllowed(settings: Pick<PasskeySettings, "keyRestrictions" | "aaguids">, aaguid: string): boolean {
  const listed = settings.aaguids.includes(normaliseAaguid(aaguid));
  if (settings.keyRestrictions === "allow") return listed;
  if (settings.keyRestrictions === "block") return !listed;
  return true;
}
