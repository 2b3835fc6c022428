import crypto, { X509Certificate } from "node:crypto";
import { z } from "zod";
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { getAuthenticationMethodsPolicy } from "../policies/methods-policy";
import { authenticatorModel } from "./authenticator-models";
import { certificateChainProblem } from "./certificate-chain";

/**
 * The FIDO Alliance Metadata Service (MDS3) BLOB, uploaded as a file by an administrator — the
 * portal never downloads it (nor a CRL). Verified here with node:crypto rather than
 * @simplewebauthn/server's MetadataService: that one is a process-wide singleton (several
 * instances and concurrent requests would each hold their own copy), downloads CRLs while
 * validating chains, and drops the status reports of statements handed to it. The verified
 * BLOB's entries go to the database (FidoMetadataEntry) so every instance uses the same one.
 */

/** Largest BLOB file accepted (the real MDS3 BLOB is a few MB; the proxy cuts bodies at 10 MB). */
export const FIDO_METADATA_MAX_BYTES = 8 * 1024 * 1024;

const CURRENT_BLOB_ID = "current";

/** A latest status report with one of these refuses registration (FIDO MDS 3.0, AuthenticatorStatus). */
export const COMPROMISED_STATUSES = {
  REVOKED: "the FIDO Alliance revoked this authenticator model",
  USER_VERIFICATION_BYPASS: "its user verification (PIN or biometrics) can be bypassed",
  ATTESTATION_KEY_COMPROMISE: "its attestation key was compromised",
  USER_KEY_REMOTE_COMPROMISE: "its keys can be extracted remotely",
  USER_KEY_PHYSICAL_COMPROMISE: "its keys can be extracted by someone holding it",
} as const;

const JWS_ALGORITHMS = {
  ES256: { hash: "sha256", dsaEncoding: "ieee-p1363" },
  ES384: { hash: "sha384", dsaEncoding: "ieee-p1363" },
  ES512: { hash: "sha512", dsaEncoding: "ieee-p1363" },
  RS256: { hash: "sha256" },
  RS384: { hash: "sha384" },
  RS512: { hash: "sha512" },
  PS256: { hash: "sha256", padding: crypto.constants.RSA_PKCS1_PSS_PADDING },
} as const;

const base64url = /^[A-Za-z0-9_-]+$/;

const headerSchema = z.object({
  alg: z.enum(Object.keys(JWS_ALGORITHMS) as [keyof typeof JWS_ALGORITHMS], { message: "its header names no signature algorithm the portal checks (ES256, RS256, …)" }),
  x5c: z.array(z.string().min(1)).min(1, "its header carries no signing certificate (x5c)").max(5, "its header carries more than 5 certificates"),
});

const statusReportSchema = z.object({ status: z.string().max(100), effectiveDate: z.string().max(40).optional() });

const entrySchema = z.object({
  aaguid: z.string().optional(),
  metadataStatement: z
    .object({
      description: z.string().max(500).optional(),
      attestationRootCertificates: z.array(z.string().max(20_000)).max(50).optional(),
    })
    .optional(),
  statusReports: z.array(statusReportSchema).max(500).optional(),
});

const payloadSchema = z.object({
  legalHeader: z.string().max(10_000).optional(),
  no: z.number({ message: "its serial number (no) is missing" }).int().positive("its serial number (no) must be a positive whole number"),
  nextUpdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "its nextUpdate is not a date (YYYY-MM-DD)"),
  entries: z.array(entrySchema).max(100_000),
});

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type FidoMetadataSummary = { serial: number; nextUpdate: Date; outOfDate: boolean; entryCount: number; legalHeader: string; signer: string; sha256: string; uploadedAt: Date; uploadedBy: string };
export type FidoMetadataUploadResult = { ok: true; summary: FidoMetadataSummary } | { ok: false; reason: string };

class BlobRefusal extends Error {}

/** A BLOB is current through the whole of its nextUpdate day (UTC). */
function isOutOfDate(nextUpdate: Date, now: Date): boolean {
  return nextUpdate.getTime() + 86_400_000 <= now.getTime();
}

function decodeJson(part: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new BlobRefusal(`its ${what} is not base64url-encoded JSON`);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue.message.startsWith("its ") ? issue.message : `its ${issue.path.join(".") || "content"} is not what MDS3 defines (${issue.message})`;
}

function certificate(base64Der: string, what: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(base64Der, "base64"));
  } catch {
    throw new BlobRefusal(`${what} is not a readable certificate`);
  }
}

function subjectOf(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ", ");
}

/** The status of the entry's latest report (latest effective date; a later one in the list wins a tie). */
function latestStatus(reports: { status: string; effectiveDate?: string }[]): { status: string; effectiveDate: string | null } | null {
  let latest: { status: string; effectiveDate?: string } | null = null;
  for (const report of reports) {
    if (!latest || (report.effectiveDate ?? "") >= (latest.effectiveDate ?? "")) latest = report;
  }
  return latest ? { status: latest.status, effectiveDate: latest.effectiveDate ?? null } : null;
}

/**
 * Checks a BLOB file against the roots (PEM) and the clock: JWT shape, signature by the leaf of
 * its x5c chain, the chain up to a trusted root, nextUpdate not past. Returns its content or
 * throws BlobRefusal with what is wrong.
 */
export function verifyFidoMetadataBlob(options: { blob: string; roots: string[]; now: Date }) {
  const text = options.blob.trim();
  const parts = text.split(".");
  if (parts.length !== 3 || !parts.every((part) => base64url.test(part))) {
    throw new BlobRefusal("it is not a JWT (three base64url parts separated by dots) — upload the blob.jwt file as the FIDO Alliance publishes it");
  }
  const header = headerSchema.safeParse(decodeJson(parts[0], "header"));
  if (!header.success) throw new BlobRefusal(firstIssue(header.error));
  const chain = header.data.x5c.map((der, index) => certificate(der, index === 0 ? "its signing certificate" : "a certificate in its chain"));
  const roots = options.roots.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  if (!roots.length) throw new BlobRefusal("no root certificate is uploaded under Passkey (FIDO2) — upload the FIDO Alliance's MDS root certificate first");
  const algorithm = JWS_ALGORITHMS[header.data.alg];
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`, "ascii");
  const signature = Buffer.from(parts[2], "base64url");
  let signatureValid = false;
  try {
    signatureValid = crypto.verify(algorithm.hash, signed, { key: chain[0].publicKey, ...("dsaEncoding" in algorithm ? { dsaEncoding: algorithm.dsaEncoding } : {}), ...("padding" in algorithm ? { padding: algorithm.padding } : {}) }, signature);
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) throw new BlobRefusal(`its signature doesn't verify with its signing certificate (${subjectOf(chain[0])}) — the file was changed or is not a BLOB`);
  const chainProblem = certificateChainProblem({
    chain, roots, now: options.now, leafName: "the signing certificate",
    untrusted: (issuer) => `its signing certificate chain (issued by ${issuer}) doesn't end in a root certificate uploaded under Passkey (FIDO2) — upload the FIDO Alliance's MDS root first`,
  });
  if (chainProblem) throw new BlobRefusal(chainProblem);
  const payload = payloadSchema.safeParse(decodeJson(parts[1], "payload"));
  if (!payload.success) throw new BlobRefusal(firstIssue(payload.error));
  const nextUpdate = new Date(`${payload.data.nextUpdate}T00:00:00Z`);
  if (Number.isNaN(nextUpdate.getTime())) throw new BlobRefusal("its nextUpdate is not a date (YYYY-MM-DD)");
  if (isOutOfDate(nextUpdate, options.now)) {
    throw new BlobRefusal(`it is out of date (its next update was due on ${payload.data.nextUpdate}) — get the current BLOB from the FIDO Alliance`);
  }
  const entries = new Map<string, { aaguid: string; description: string; attestationRoots: string; latestStatus: string | null; latestStatusDate: string | null }>();
  for (const entry of payload.data.entries) {
    const aaguid = entry.aaguid?.toLowerCase();
    // FIDO2 authenticators only: U2F and UAF entries have attestation key ids, not AAGUIDs.
    if (!aaguid || !AAGUID.test(aaguid)) continue;
    const status = latestStatus(entry.statusReports ?? []);
    entries.set(aaguid, {
      aaguid,
      description: (entry.metadataStatement?.description ?? "").trim().slice(0, 200),
      attestationRoots: JSON.stringify(entry.metadataStatement?.attestationRootCertificates ?? []),
      latestStatus: status?.status ?? null,
      latestStatusDate: status?.effectiveDate ?? null,
    });
  }
  return { serial: payload.data.no, nextUpdate, legalHeader: payload.data.legalHeader ?? "", signer: subjectOf(chain[0]), entries: [...entries.values()] };
}

async function refuseUpload(db: Database, actor: AuditActor, reason: string, sha256: string | null): Promise<FidoMetadataUploadResult> {
  await writeAuditEvent({ db, actor, action: "Upload FIDO metadata BLOB", target: { type: "fidoMetadata", id: CURRENT_BLOB_ID, label: "FIDO metadata BLOB" }, result: "failure", details: { reason: reason.slice(0, 300), ...(sha256 ? { sha256 } : {}) } });
  return { ok: false, reason: `The file was not accepted: ${reason}. Nothing was changed.` };
}

/**
 * Verifies an uploaded MDS3 BLOB against the root certificates uploaded under Passkey (FIDO2) and
 * stores it, replacing the previous one only when its serial (`no`) is higher — checked and
 * written in one conditional update, so two instances racing can't store an older one. A refused
 * file changes nothing; both outcomes are audited.
 */
export async function uploadFidoMetadataBlob(options: { db: Database; blob: Uint8Array; actor: AuditActor; now?: Date }): Promise<FidoMetadataUploadResult> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  if (options.blob.byteLength === 0) return { ok: false, reason: "Choose the FIDO metadata BLOB file (blob.jwt) to upload." };
  if (options.blob.byteLength > FIDO_METADATA_MAX_BYTES) return refuseUpload(db, actor, `it is larger than ${FIDO_METADATA_MAX_BYTES / 1024 / 1024} MB`, null);
  const sha256 = crypto.createHash("sha256").update(options.blob).digest("hex");
  const roots = (await getAuthenticationMethodsPolicy({ db })).passkey.settings.rootCertificates;
  let verified: ReturnType<typeof verifyFidoMetadataBlob>;
  try {
    verified = verifyFidoMetadataBlob({ blob: Buffer.from(options.blob).toString("utf8"), roots, now });
  } catch (error) {
    if (error instanceof BlobRefusal) return refuseUpload(db, actor, error.message, sha256);
    throw error;
  }
  const outcome = await db.$transaction(async (tx): Promise<FidoMetadataUploadResult> => {
    const data = { serial: verified.serial, nextUpdate: verified.nextUpdate, legalHeader: verified.legalHeader.slice(0, 10_000), entryCount: verified.entries.length, sha256, signer: verified.signer, uploadedAt: now, uploadedBy: actor.upn };
    const replaced = await tx.fidoMetadataBlob.updateMany({ where: { id: CURRENT_BLOB_ID, serial: { lt: verified.serial } }, data });
    if (replaced.count === 0) {
      const stored = await tx.fidoMetadataBlob.findUnique({ where: { id: CURRENT_BLOB_ID }, select: { serial: true } });
      if (stored) {
        const reason = stored.serial === verified.serial ? `its serial number (${verified.serial}) is the one already in use` : `its serial number (${verified.serial}) is older than the stored BLOB's (${stored.serial})`;
        return { ok: false, reason };
      }
      await tx.fidoMetadataBlob.create({ data: { id: CURRENT_BLOB_ID, ...data } });
    }
    await tx.fidoMetadataEntry.deleteMany({});
    for (let i = 0; i < verified.entries.length; i += 500) await tx.fidoMetadataEntry.createMany({ data: verified.entries.slice(i, i + 500) });
    await writeAuditEvent({
      db: tx, actor, action: "Upload FIDO metadata BLOB", target: { type: "fidoMetadata", id: CURRENT_BLOB_ID, label: "FIDO metadata BLOB" },
      details: { serial: verified.serial, nextUpdate: verified.nextUpdate.toISOString().slice(0, 10), entries: verified.entries.length, sha256, signer: verified.signer },
    });
    return { ok: true, summary: { ...data, outOfDate: false } };
  }, { timeout: 60_000 });
  // A refused serial rolled nothing in, but it is audited like every other refusal.
  return outcome.ok ? outcome : refuseUpload(db, actor, outcome.reason, sha256);
}

/** The stored BLOB as the policy page summarises it (out of date once its nextUpdate day has passed), or null. */
export async function getFidoMetadataSummary(options: { db: DatabaseOrTransaction; now?: Date }): Promise<FidoMetadataSummary | null> {
  const row = await options.db.fidoMetadataBlob.findUnique({ where: { id: CURRENT_BLOB_ID } });
  const now = options.now ?? new Date();
  return row ? { serial: row.serial, nextUpdate: row.nextUpdate, outOfDate: isOutOfDate(row.nextUpdate, now), entryCount: row.entryCount, legalHeader: row.legalHeader, signer: row.signer, sha256: row.sha256, uploadedAt: row.uploadedAt, uploadedBy: row.uploadedBy } : null;
}

/** Model names by AAGUID: the stored BLOB's description first, else the built-in table. */
export async function authenticatorModels(options: { db: DatabaseOrTransaction; aaguids: string[] }): Promise<Map<string, string | null>> {
  const aaguids = [...new Set(options.aaguids.map((a) => a.toLowerCase()))];
  const rows = aaguids.length ? await options.db.fidoMetadataEntry.findMany({ where: { aaguid: { in: aaguids } }, select: { aaguid: true, description: true } }) : [];
  const fromBlob = new Map(rows.filter((r) => r.description).map((r) => [r.aaguid, r.description]));
  return new Map(aaguids.map((aaguid) => [aaguid, fromBlob.get(aaguid) ?? authenticatorModel(aaguid)]));
}

/** What the stored BLOB says about one authenticator model: its attestation roots (PEM) and, when compromised, why. */
export async function fidoMetadataFor(options: { db: DatabaseOrTransaction; aaguid: string }): Promise<{ attestationRoots: string[]; compromised: { status: string; why: string; since: string | null } | null } | null> {
  const row = await options.db.fidoMetadataEntry.findUnique({ where: { aaguid: options.aaguid.toLowerCase() } });
  if (!row) return null;
  let roots: string[] = [];
  try {
    roots = (JSON.parse(row.attestationRoots) as string[]).map((der) => new X509Certificate(Buffer.from(der, "base64")).toString());
  } catch {
    // An unreadable root in a signed BLOB can't anchor anything; the admin's own roots still count.
    roots = [];
  }
  const status = row.latestStatus as keyof typeof COMPROMISED_STATUSES | null;
  const compromised = status && status in COMPROMISED_STATUSES ? { status, why: COMPROMISED_STATUSES[status], since: row.latestStatusDate } : null;
  return { attestationRoots: roots, compromised };
}
