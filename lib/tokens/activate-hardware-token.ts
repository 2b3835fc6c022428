import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, Transaction } from "../db/client";
import { normaliseCodeInput } from "../shared/code-input";
import { stepWindow } from "../shared/step-window";
import { claimTimeStep, loadOathCredential } from "../otp/oath-credential";
import { matchingSteps, timeStepAt } from "../otp/totp";
import { maxLearnedDriftSteps } from "../otp/verify-oath-code";

export type ActivationResult =
  | { ok: true; driftSteps: number }
  | { ok: false; reason: string; status?: "failedActivation" };

const ACTIVATABLE = ["assigned", "failedActivation"];

/**
 * Activates a hardware token assigned to a user: the code typed in is searched over a wide
 * window (about ±1 day, as Entra tolerates) to measure the token's clock offset, which is stored
 * so that sign-in needs only ±1 step around it. The activation code counts as used (C6).
 * A wrong code leaves the token `failedActivation` with the reason, and is audited.
 */
export async function activateHardwareToken(options: {
  db: Database;
  tokenId: string;
  code: unknown;
  actor: AuditActor;
  now?: Date;
  /** More work that must commit with the activation or not at all (self-activation's name and notice). */
  alsoOnSuccess?: (tx: Transaction) => Promise<void>;
}): Promise<ActivationResult> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const ref = { kind: "hardwareToken" as const, id: options.tokenId };
  const token = await loadOathCredential({ db, ref });
  if (!token) return { ok: false, reason: "No hardware token has this serial number." };
  if (!token.userId) return { ok: false, reason: `Token ${token.label} is not assigned to a user: assign it before activating it.` };
  if (token.status === "activated") return { ok: false, reason: `Token ${token.label} is already activated.` };
  if (!ACTIVATABLE.includes(token.status)) return { ok: false, reason: `Token ${token.label} can't be activated in status ${token.status}.` };

  const input = normaliseCodeInput({ input: options.code, digits: token.digits });
  if (!input.ok) return { ok: false, reason: input.message };

  const currentStep = timeStepAt({ now, period: token.period, t0: token.t0 });
  const reach = maxLearnedDriftSteps(token.period);
  const steps = stepWindow(currentStep, reach);
  const matches = matchingSteps({ ...token, code: input.code, steps });
  // Of several matching steps in the wide window, the one nearest the token's clock is likeliest.
  const candidates = matches
    .filter((step) => step > token.lastUsedStep)
    .sort((a, b) => Math.abs(a - currentStep) - Math.abs(b - currentStep));

  const target = { type: "hardwareToken", id: token.id, label: token.label };
  return db.$transaction(async (tx) => {
    for (const step of candidates) {
      const driftSteps = step - currentStep;
      const claimed = await claimTimeStep({
        db: tx,
        ref,
        step,
        driftSteps,
        now,
        tokenChanges: { status: "activated", activatedAt: now },
      });
      if (claimed) {
        await writeAuditEvent({ db: tx, actor, action: "Activate hardware token", target, details: { driftSteps } });
        await options.alsoOnSuccess?.(tx);
        return { ok: true as const, driftSteps };
      }
    }
    if (matches.length > 0) {
      // A real code whose step is already used — a concurrent activation with the same code (a
      // double-submitted form) won the claim. Not a wrong code: the token keeps its status and,
      // for self-activation, the try doesn't count towards the lockout.
      const reason = "This code has already been used. Wait for the next code on the token and enter it.";
      await writeAuditEvent({ db: tx, actor, action: "Activate hardware token", target, result: "failure", details: { reason } });
      return { ok: false as const, reason };
    }
    // Conditional: a concurrent request that activated the token must not be undone.
    await tx.hardwareToken.updateMany({ where: { id: token.id, status: { in: ACTIVATABLE } }, data: { status: "failedActivation" } });
    const reason = "The code doesn't match this token. Press the token's button and type the code it shows now.";
    await writeAuditEvent({ db: tx, actor, action: "Activate hardware token", target, result: "failure", details: { reason } });
    return { ok: false as const, reason, status: "failedActivation" as const };
  });
}
