import { writeAuditEvent } from "../audit/write-audit-event";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { loadSsprStanding } from "./reset-standing";
import { getSsprPolicy } from "./sspr-policy";
import { SSPR_METHOD_LABELS, type SsprMethod } from "./sspr-policy-model";

export type RegistrationStatus =
  | { due: false }
  | { due: true; reason: "register" | "reconfirm"; methodsRequired: number; held: { method: SsprMethod; label: string }[] };

/**
 * Whether sign-in should stop at "More information required": password reset requires
 * registration, covers the user, and they hold fewer counted methods than they need (admins: two)
 * or haven't confirmed them within the re-confirm period. A Conditional Access policy that blocks
 * "Password reset registration" for the user switches the prompt off (they couldn't register).
 */
export async function ssprRegistrationStatus(options: { db: DatabaseOrTransaction; userId: string; now?: Date }): Promise<RegistrationStatus> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const policy = await getSsprPolicy({ db });
  if (!policy.requireRegistration || policy.enabledFor === "none") return { due: false };
  const standing = await loadSsprStanding({ db, policy, userId });
  if (!standing.user?.enabled || !standing.inScope) return { due: false };
  const missing = standing.held.length < standing.methodsRequired;
  // An admin under a policy that counts a single method type could never register enough: don't nag.
  if (missing && policy.methods.length < standing.methodsRequired) return { due: false };
  const confirmedAt = standing.user.ssprConfirmedAt;
  const stale = policy.reconfirmDays > 0 && (!confirmedAt || confirmedAt.getTime() + policy.reconfirmDays * 86_400_000 <= now.getTime());
  if (!missing && !stale) return { due: false };
  const access = await evaluateConditionalAccessForUser({ db, userId, resource: "Password reset registration" });
  if (access.outcome === "block") return { due: false };
  return {
    due: true,
    reason: missing ? "register" : "reconfirm",
    methodsRequired: standing.methodsRequired,
    held: standing.held.map((method) => ({ method, label: SSPR_METHOD_LABELS[method] })),
  };
}

/** "Looks good": the user confirms their methods are current (only when they hold enough). Audited. */
export async function confirmSsprMethods(options: { db: Database; userId: string; now?: Date }): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const policy = await getSsprPolicy({ db });
  const standing = await loadSsprStanding({ db, policy, userId });
  if (!standing.user) return { ok: false, reason: "Your account was not found. Sign in again." };
  if (standing.held.length < standing.methodsRequired) {
    return { ok: false, reason: `Password reset needs ${standing.methodsRequired} methods and you have ${standing.held.length}. Set up another one in Security info.` };
  }
  const user = standing.user;
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { ssprConfirmedAt: now } });
    await writeAuditEvent({
      db: tx,
      actor: { id: user.id, upn: user.upn },
      action: "Confirm password reset methods",
      target: { type: "user", id: user.id, label: user.upn },
      details: { methods: standing.held.map((m) => SSPR_METHOD_LABELS[m]).join(", ") },
    });
  });
  return { ok: true };
}
