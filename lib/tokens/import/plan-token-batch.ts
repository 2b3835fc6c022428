import { MAX_OATH_METHODS_PER_USER, methodLimitReason, refusalForUploadedHolder } from "../assignment-rules";
import type { ParsedRow, RowFailure, TokenRow } from "../token-file-row";
import type { SealedSeed } from "./seed-sealer";

/** A token row ready to insert: seed encrypted, fingerprint for "already present" checks. */
export type TokenInsert = {
  serialNumber: string;
  manufacturer: string;
  model: string;
  encryptedSecret: string;
  secretFingerprint: string;
  period: number;
  digits: number;
  algorithm: string;
  t0: number;
  userId: string | null;
  status: "assigned" | "available";
};

/** What the database already knows about a batch's serials and UPNs. */
export type BatchFacts = {
  /** serial → fingerprint of the token already in the inventory */
  existingFingerprints: Map<string, string>;
  /** upn → user id */
  userIdByUpn: Map<string, string>;
  /** user id → hardware tokens + authenticator apps held now */
  methodsHeld: Map<string, number>;
  /** user id → the roles they hold (users without a role are absent) */
  rolesByUserId: Map<string, string[]>;
};

export type BatchPlan = { inserts: TokenInsert[]; alreadyPresent: number; failures: RowFailure[] };

function unknownUserReason(upn: string): string {
  return `No user has the UPN ${upn}. Create the user first, or leave upn empty to add the token unassigned.`;
}

/** The serials and UPNs a batch must look up before it can be planned. */
export function batchLookups(rows: ParsedRow[]): { serials: string[]; upns: string[] } {
  const serials: string[] = [];
  const upns = new Set<string>();
  for (const parsed of rows) {
    if (!parsed.ok) {
      if (parsed.failure.upn) upns.add(parsed.failure.upn);
      continue;
    }
    serials.push(parsed.row.serialNumber);
    if (parsed.row.upn) upns.add(parsed.row.upn);
  }
  return { serials, upns: [...upns] };
}

/**
 * Decides, row by row, what a batch does — the import's rules in one place, whatever database
 * writes them: a repeated serial fails (the file's first row wins); a serial already in the
 * inventory with the same seed is "already present" (re-uploading changes nothing), with another
 * seed a failure (never overwritten); an unknown UPN fails; so does an admin's UPN unless the
 * uploader may assign tokens to admins; a user may hold 5 tokens and apps.
 */
export function planTokenBatch(options: {
  rows: ParsedRow[];
  /** The rows' seeds, sealed (seed-sealer.ts), in the same order. */
  sealed: (SealedSeed | undefined)[];
  firstLineOfSerial: Map<string, number>;
  facts: BatchFacts;
  /** the uploader's roles as the import runs; null for the command line */
  uploaderRoles: readonly string[] | null;
}): BatchPlan {
  const { facts } = options;
  const failures: RowFailure[] = [];
  const fail = (row: TokenRow, reason: string) => failures.push({ line: row.line, serialNumber: row.serialNumber, reason, original: row.original });
  const held = new Map(facts.methodsHeld);
  const inserts: TokenInsert[] = [];
  let alreadyPresent = 0;

  for (let at = 0; at < options.rows.length; at++) {
    const parsed = options.rows[at];
    if (!parsed.ok) {
      const { upn, ...failure } = parsed.failure;
      // A row refused for its content is also told about an unknown user, so one upload lists
      // every problem of the row.
      if (upn && !facts.userIdByUpn.has(upn)) failure.reason = `${failure.reason} ${unknownUserReason(upn)}`;
      failures.push(failure);
      continue;
    }
    const row = parsed.row;
    const first = options.firstLineOfSerial.get(row.serialNumber);
    if (first !== undefined && first !== row.line) {
      fail(row, `Serial number ${row.serialNumber} appears more than once in this file; only its first row (line ${first}) is imported.`);
      continue;
    }
    const sealed = options.sealed[at];
    if (!sealed) throw new Error(`Row on line ${row.line} reached the import without its sealed seed.`);
    const fingerprint = sealed.secretFingerprint;
    const present = facts.existingFingerprints.get(row.serialNumber);
    if (present !== undefined) {
      if (present === fingerprint) alreadyPresent += 1;
      else fail(row, `A token with serial number ${row.serialNumber} is already in the inventory with a different secret key. An upload never changes a secret: delete that token first (unassign it if needed), then upload again.`);
      continue;
    }
    let userId: string | null = null;
    if (row.upn !== null) {
      userId = facts.userIdByUpn.get(row.upn) ?? null;
      if (!userId) {
        fail(row, unknownUserReason(row.upn));
        continue;
      }
      const refusal = refusalForUploadedHolder({ uploaderRoles: options.uploaderRoles, holder: { upn: row.upn, roles: facts.rolesByUserId.get(userId) ?? [] } });
      if (refusal) {
        fail(row, refusal);
        continue;
      }
      const count = held.get(userId) ?? 0;
      if (count >= MAX_OATH_METHODS_PER_USER) {
        fail(row, methodLimitReason(row.upn));
        continue;
      }
      held.set(userId, count + 1);
    }
    inserts.push({
      serialNumber: row.serialNumber,
      manufacturer: row.manufacturer,
      model: row.model,
      encryptedSecret: sealed.encryptedSecret,
      secretFingerprint: fingerprint,
      period: row.period,
      digits: row.digits,
      algorithm: row.algorithm,
      t0: row.t0,
      userId,
      status: userId ? "assigned" : "available",
    });
  }
  return { inserts, alreadyPresent, failures };
}
