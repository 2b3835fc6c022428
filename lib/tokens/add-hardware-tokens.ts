import type { Database } from "../db/client";
import type { TokenAdmin } from "./assignment-rules";
import { batchLookups, planTokenBatch } from "./import/plan-token-batch";
import { openBatchStore } from "./import/run-token-import";
import { openSeedSealer } from "./import/seed-sealer";
import { isUniqueViolation } from "./import/token-batch-store";
import { validateSeedRow } from "./validate-seed-row";

/** The most tokens one call adds (the API's batch limit). */
export const MAX_TOKENS_PER_BATCH = 1000;

/** One token to add, as a caller describes it (Base32 secret); the file import's row, without a file. */
export type TokenToAdd = {
  serialNumber: string;
  secretKey: string;
  manufacturer?: string;
  model?: string;
  period?: number;
  digits?: number;
  hash?: string;
  /** The user to assign it to at once, by id. */
  assignToUserId?: string | null;
};

export type TokenAddResult =
  | { ok: true; created: true; id: string }
  | { ok: true; created: false; id: string; reason: string }
  | { ok: false; reason: string };

/**
 * Adds up to MAX_TOKENS_PER_BATCH tokens with the CSV import's rules and wording (validateSeedRow
 * judges each one, planTokenBatch the batch against the inventory: a repeated serial, a serial
 * already present with another seed, an unknown user, an admin the caller may not assign to, the
 * 5-method limit), in one transaction with one audit event — the import's batch, without a file.
 * Returns one result per token, in order; a token already present with the same seed is not
 * changed (`created: false`). `callerRoles` are the roles the import's uploader would hold.
 */
export async function addHardwareTokens(options: { db: Database; tokens: TokenToAdd[]; actor: TokenAdmin; now?: Date }): Promise<TokenAddResult[]> {
  const { db, tokens, actor } = options;
  const now = options.now ?? new Date();
  if (tokens.length > MAX_TOKENS_PER_BATCH) throw new Error(`At most ${MAX_TOKENS_PER_BATCH} tokens per batch.`);
  const assignIds = [...new Set(tokens.map((t) => t.assignToUserId).filter((id): id is string => Boolean(id)))];
  const users = await db.user.findMany({ where: { id: { in: assignIds } }, select: { id: true, upn: true } });
  const upnById = new Map(users.map((u) => [u.id, u.upn]));
  const unknownUser = new Map<number, string>();
  const rows = tokens.map((token, index) => {
    const upn = token.assignToUserId ? upnById.get(token.assignToUserId) : null;
    if (token.assignToUserId && !upn) unknownUser.set(index, `No user has the id ${token.assignToUserId}. Create the user first, or leave assignTo out to add the token unassigned.`);
    return validateSeedRow({
      line: index + 1,
      serialNumber: token.serialNumber,
      upn: upn ?? null,
      secret: { base32: token.secretKey },
      period: token.period === undefined ? "30" : String(token.period),
      digits: token.digits === undefined ? "" : String(token.digits),
      hash: token.hash ?? "",
      manufacturer: token.manufacturer ?? "",
      model: token.model ?? "",
      original: {},
    });
  });
  const firstLineOfSerial = new Map<string, number>();
  rows.forEach((parsed, index) => {
    const serial = parsed.ok ? parsed.row.serialNumber : parsed.failure.serialNumber;
    if (serial && !firstLineOfSerial.has(serial)) firstLineOfSerial.set(serial, index + 1);
  });
  // A token for an unknown user id fails before planning (the planner knows users by UPN).
  const planned = rows.map((parsed, index) => (unknownUser.has(index) ? ({ ok: false, failure: { line: index + 1, serialNumber: parsed.ok ? parsed.row.serialNumber : parsed.failure.serialNumber, reason: unknownUser.get(index)!, original: {} } } as const) : parsed));
  const sealer = openSeedSealer({ inWorker: false });
  const sealed = sealer.seal(planned).result();
  sealer.close();
  // The import's own writer: prepared statements on SQLite, where Prisma's per-row cost dominates.
  const store = openBatchStore(db);
  try {
    return await commitPlanned();
  } finally {
    store.close();
  }

  async function commitPlanned(): Promise<TokenAddResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const plan = await store.transaction(async (batch) => {
          const facts = await batch.facts(batchLookups(planned));
          const plan = planTokenBatch({ rows: planned, sealed, firstLineOfSerial, facts, uploaderRoles: actor.roles });
          await batch.insertTokens(plan.inserts, now);
          const failed = plan.failures.length;
          await batch.writeAudit(
            {
              actor,
              action: "Add hardware tokens (API)",
              result: plan.inserts.length + plan.alreadyPresent === 0 ? "failure" : failed > 0 ? "partial" : "success",
              details: { imported: plan.inserts.length, alreadyPresent: plan.alreadyPresent, failed },
            },
            now,
          );
          return plan;
        });
        const failureByLine = new Map(plan.failures.map((f) => [f.line, f.reason]));
        const serials = planned.flatMap((p) => (p.ok ? [p.row.serialNumber] : []));
        const stored = await db.hardwareToken.findMany({ where: { serialNumber: { in: serials } }, select: { id: true, serialNumber: true } });
        const idBySerial = new Map(stored.map((t) => [t.serialNumber, t.id]));
        const inserted = new Set(plan.inserts.map((i) => i.serialNumber));
        return planned.map((parsed, index): TokenAddResult => {
          const failure = failureByLine.get(index + 1);
          if (failure !== undefined) return { ok: false, reason: failure };
          if (!parsed.ok) return { ok: false, reason: parsed.failure.reason };
          const id = idBySerial.get(parsed.row.serialNumber);
          if (!id) return { ok: false, reason: "The token was deleted again right after it was added." };
          return inserted.has(parsed.row.serialNumber)
            ? { ok: true, created: true, id }
            : { ok: true, created: false, id, reason: `A token with serial number ${parsed.row.serialNumber} and this secret key is already in the inventory; nothing was changed.` };
        });
      } catch (error) {
        // A concurrent call inserted one of the serials first: plan again against the new inventory.
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }
}
