import { encryptSecret, secretFingerprint } from "../../crypto/secret-box";
import type { Transaction } from "../../db/client";
import { MAX_OATH_METHODS_PER_USER } from "../assignment-rules";
import type { ParsedRow, RowFailure, TokenRow } from "../token-file-row";

export type BatchOutcome = { imported: number; alreadyPresent: number; failures: RowFailure[] };

/**
 * Imports one batch of parsed rows inside the caller's transaction: refuses repeated serials
 * (the file's first row wins), tells "already present" (same serial, same secret — re-uploading
 * changes nothing) from a conflict (same serial, other secret — never overwritten), resolves
 * UPNs, applies the per-user method limit, then inserts the new tokens in one statement.
 */
export async function importTokenBatch(options: {
  tx: Transaction;
  rows: ParsedRow[];
  /** serial → line of its first row in the file */
  firstLineOfSerial: Map<string, number>;
}): Promise<BatchOutcome> {
  const { tx } = options;
  const failures: RowFailure[] = [];
  const fail = (row: TokenRow, reason: string) => failures.push({ line: row.line, serialNumber: row.serialNumber, reason, original: row.original });

  const candidates: TokenRow[] = [];
  for (const parsed of options.rows) {
    if (!parsed.ok) {
      failures.push(parsed.failure);
      continue;
    }
    const first = options.firstLineOfSerial.get(parsed.row.serialNumber);
    if (first !== undefined && first !== parsed.row.line) {
      fail(parsed.row, `Serial number ${parsed.row.serialNumber} appears more than once in this file; only its first row (line ${first}) is imported.`);
      continue;
    }
    candidates.push(parsed.row);
  }

  const existing = new Map(
    (await tx.hardwareToken.findMany({
      where: { serialNumber: { in: candidates.map((row) => row.serialNumber) } },
      select: { serialNumber: true, secretFingerprint: true },
    })).map((token) => [token.serialNumber, token.secretFingerprint]),
  );
  const upns = [...new Set(candidates.map((row) => row.upn).filter((upn): upn is string => upn !== null))];
  const users = new Map((await tx.user.findMany({ where: { upn: { in: upns } }, select: { id: true, upn: true } })).map((u) => [u.upn, u.id]));
  const held = await methodCounts(tx, [...users.values()]);

  let alreadyPresent = 0;
  const inserts = [];
  for (const row of candidates) {
    const fingerprint = secretFingerprint(row.secret);
    const present = existing.get(row.serialNumber);
    if (present !== undefined) {
      if (present === fingerprint) alreadyPresent += 1;
      else fail(row, `A token with serial number ${row.serialNumber} is already in the inventory with a different secret key. An upload never changes a secret: delete that token first (unassign it if needed), then upload again.`);
      continue;
    }
    let userId: string | null = null;
    if (row.upn !== null) {
      userId = users.get(row.upn) ?? null;
      if (!userId) {
        fail(row, `No user has the UPN ${row.upn}. Create the user first, or leave upn empty to add the token unassigned.`);
        continue;
      }
      const count = held.get(userId) ?? 0;
      if (count >= MAX_OATH_METHODS_PER_USER) {
        fail(row, `${row.upn} already holds ${MAX_OATH_METHODS_PER_USER} hardware tokens and authenticator apps (the limit); remove one first.`);
        continue;
      }
      held.set(userId, count + 1);
    }
    inserts.push({
      serialNumber: row.serialNumber,
      manufacturer: row.manufacturer,
      model: row.model,
      encryptedSecret: encryptSecret(row.secret),
      secretFingerprint: fingerprint,
      period: row.period,
      digits: row.digits,
      algorithm: row.algorithm,
      t0: row.t0,
      userId,
      status: userId ? "assigned" : "available",
    });
  }
  if (inserts.length > 0) await tx.hardwareToken.createMany({ data: inserts });
  return { imported: inserts.length, alreadyPresent, failures };
}

/** How many hardware tokens and authenticator apps each user holds now. */
async function methodCounts(tx: Transaction, userIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (userIds.length === 0) return counts;
  const [tokens, apps] = await Promise.all([
    tx.hardwareToken.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _count: { _all: true } }),
    tx.authenticatorApp.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _count: { _all: true } }),
  ]);
  for (const row of [...tokens, ...apps]) if (row.userId) counts.set(row.userId, (counts.get(row.userId) ?? 0) + row._count._all);
  return counts;
}
