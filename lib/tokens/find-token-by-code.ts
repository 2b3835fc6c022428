import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database } from "../db/client";
import { normaliseCodeInput } from "../otp/code-input";
import { loadHardwareTokenCredentials, type OathCredential } from "../otp/oath-credential";
import { matchingSteps, timeStepAt } from "../otp/totp";
import { SIGN_IN_WINDOW_STEPS } from "../otp/verify-oath-code";
import type { TokenActionResult } from "./assignment-rules";

/** Tokens someone holds: the helpdesk asks "which token is this?" about a person's token. */
const SEARCHED_STATUSES = ["assigned", "activated", "failedActivation"];
/** Seeds decrypted at a time: bounds memory and keeps each query short on a large inventory. */
const BATCH_SIZE = 500;

export type FoundToken = {
  id: string;
  serialNumber: string;
  manufacturer: string;
  model: string;
  status: string;
  user: { upn: string; displayName: string } | null;
};

/**
 * "Find token by code": the helpdesk types the code a token shows now and gets its serial
 * number. Every held token of that code length (optionally one manufacturer) is checked at its
 * current step ±1 around its learned drift, as sign-in would. Read only: nothing is claimed, so
 * the code still works for the holder's sign-in. With many tokens, a 6-digit code may match more
 * than one; all are returned. The search is audited without the code.
 */
export async function findTokenByCode(options: {
  db: Database;
  code: unknown;
  manufacturer?: string;
  actor: AuditActor;
  now?: Date;
}): Promise<TokenActionResult<{ matches: FoundToken[]; searched: number }>> {
  const { db } = options;
  const now = options.now ?? new Date();
  const input = [6, 8].map((digits) => normaliseCodeInput({ input: options.code, digits })).find((result) => result.ok);
  if (!input?.ok) return { ok: false, reason: "Enter the 6- or 8-digit code the token shows now (digits only)." };
  const code = input.code;
  const manufacturer = options.manufacturer?.trim() || undefined;

  // All candidate ids in one query (a keyset walk over a status filter made SQLite re-sort per
  // batch), then seeds a batch at a time.
  const candidates = await db.hardwareToken.findMany({
    where: { status: { in: SEARCHED_STATUSES }, digits: code.length, manufacturer },
    select: { id: true },
  });
  const matchedIds: string[] = [];
  let searched = 0;
  for (let start = 0; start < candidates.length; start += BATCH_SIZE) {
    const ids = candidates.slice(start, start + BATCH_SIZE).map(({ id }) => id);
    for (const credential of await loadHardwareTokenCredentials({ db, ids })) {
      if (!SEARCHED_STATUSES.includes(credential.status)) continue;
      searched++;
      if (showsCodeNow({ credential, code, now })) matchedIds.push(credential.id);
    }
  }

  const matches = await db.hardwareToken.findMany({
    where: { id: { in: matchedIds } },
    select: { id: true, serialNumber: true, manufacturer: true, model: true, status: true, user: { select: { upn: true, displayName: true } } },
    orderBy: { serialNumber: "asc" },
  });
  await writeAuditEvent({
    db,
    actor: options.actor,
    action: "Find hardware token by code",
    details: { manufacturer: manufacturer ?? null, searched, matches: matches.map((m) => m.serialNumber).join(", ") },
  });
  return { ok: true, matches, searched };
}


/** The sign-in window (C3), without claiming anything. */
function showsCodeNow(options: { credential: OathCredential; code: string; now: Date }): boolean {
  const { credential, code, now } = options;
  const centre = timeStepAt({ now, period: credential.period, t0: credential.t0 }) + credential.driftSteps;
  const steps: number[] = [];
  for (let step = centre - SIGN_IN_WINDOW_STEPS; step <= centre + SIGN_IN_WINDOW_STEPS; step++) steps.push(step);
  return matchingSteps({ ...credential, code, steps }).length > 0;
}
