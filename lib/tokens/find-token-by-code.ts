import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database } from "../db/client";
import { normaliseCodeInput } from "../shared/code-input";
import { stepWindow } from "../shared/step-window";
import { decryptSecret } from "../crypto/secret-box";
import { matchingCounters, stepCounter, timeStepAt, type OathAlgorithm } from "../otp/totp";
import { SIGN_IN_WINDOW_STEPS } from "../otp/verify-oath-code";
import type { TokenActionResult } from "./assignment-rules";
import { loadSearchableTokenSeeds, type SearchableTokenSeed } from "./searchable-token-seeds";

/** Tokens someone holds: the helpdesk asks "which token is this?" about a person's token. */
const SEARCHED_STATUSES = ["assigned", "activated", "failedActivation"] as const;

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

  // One query for the columns a code check needs, then decrypt and check in a tight loop.
  const tokens = await loadSearchableTokenSeeds({ db, statuses: SEARCHED_STATUSES, digits: code.length, manufacturer });
  const matchedIds: string[] = [];
  const windows = new Map<string, (Buffer | null)[]>();
  for (const token of tokens) {
    const counters = windowCounters({ windows, token, now });
    const secret = decryptSecret(token.encryptedSecret);
    const shows = matchingCounters({ secret, algorithm: token.algorithm as OathAlgorithm, digits: token.digits, code, counters }).includes(true);
    secret.fill(0); // the seed lives in memory only as long as its check
    if (shows) matchedIds.push(token.id);
  }
  const searched = tokens.length;

  const matches = await db.hardwareToken.findMany({
    // Still held now (an unassign may have landed since the read): never return another token.
    where: { id: { in: matchedIds }, status: { in: [...SEARCHED_STATUSES] } },
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


/**
 * The sign-in window (C3) of a token — its current step ±1 around its learned drift — as step
 * counters, built once per (period, T0, drift): most tokens share them, so 100,000 tokens need a
 * handful of windows, not 300,000 counters.
 */
function windowCounters(options: { windows: Map<string, (Buffer | null)[]>; token: SearchableTokenSeed; now: Date }): (Buffer | null)[] {
  const { period, t0, driftSteps } = options.token;
  const key = `${period}/${t0}/${driftSteps}`;
  let counters = options.windows.get(key);
  if (!counters) {
    const centre = timeStepAt({ now: options.now, period, t0 }) + driftSteps;
    counters = stepWindow(centre, SIGN_IN_WINDOW_STEPS).map(stepCounter);
    options.windows.set(key, counters);
  }
  return counters;
}
