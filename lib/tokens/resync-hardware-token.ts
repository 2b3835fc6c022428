import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database } from "../db/client";
import { notifyUser } from "../notify/notify-user";
import { normaliseCodeInput } from "../shared/code-input";
import { stepWindow } from "../shared/step-window";
import { claimTimeStep, loadOathCredential } from "../otp/oath-credential";
import { matchingSteps, timeStepAt } from "../otp/totp";
import { maxLearnedDriftSteps } from "../otp/verify-oath-code";
import { TOKEN_NOT_FOUND, loadTokenWithHolder, refusalForHolder, refuseTokenAction, tokenTarget, type TokenActionResult, type TokenAdmin } from "./assignment-rules";

const ACTION = "Resync hardware token";

/**
 * Re-measures the clock offset of an activated token whose codes no longer work at sign-in:
 * an admin types two consecutive codes the token shows. Sign-in only ever learns drift within
 * ±1 step and never past one day (C3, C8); a resync is the one way to move it further. Two
 * consecutive matches over a day-wide window are practically never a coincidence (about 1 in
 * 10^8 for 6 digits), which one code alone would be. The second code's step is recorded as used
 * (C6) in the same conditional update that stores the new drift.
 */
export async function resyncHardwareToken(options: {
  db: Database;
  tokenId: string;
  firstCode: unknown;
  secondCode: unknown;
  actor: TokenAdmin;
  now?: Date;
}): Promise<TokenActionResult<{ serialNumber: string; driftSteps: number; period: number; previousDriftSteps: number }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const token = await loadTokenWithHolder({ db, tokenId: options.tokenId });
  const credential = token && (await loadOathCredential({ db, ref: { kind: "hardwareToken", id: token.id } }));
  if (!token || !credential) return { ok: false, reason: TOKEN_NOT_FOUND };
  const refuse = (reason: string) => refuseTokenAction({ db, actor, action: ACTION, token, reason });
  if (token.status !== "activated") {
    return refuse(`Token ${token.serialNumber} is not activated: activate it with the code it shows instead. Resync is for activated tokens whose clock has drifted.`);
  }
  const refusal = refusalForHolder({ actor, permission: "tokens.activate", holder: token.holder });
  if (refusal) return refuse(refusal);

  const first = normaliseCodeInput({ input: options.firstCode, digits: credential.digits });
  const second = normaliseCodeInput({ input: options.secondCode, digits: credential.digits });
  if (!first.ok) return { ok: false, reason: `First code: ${first.message}` };
  if (!second.ok) return { ok: false, reason: `Second code: ${second.message}` };

  // Searched around the drift learned so far, so repeated resyncs can follow a clock that keeps
  // running away even past one day.
  const currentStep = timeStepAt({ now, period: credential.period, t0: credential.t0 });
  const centre = currentStep + credential.driftSteps;
  const reach = maxLearnedDriftSteps(credential.period);
  const window = stepWindow(centre, reach);
  const firstSteps = matchingSteps({ ...credential, code: first.code, steps: window }).filter((step) => step > credential.lastUsedStep);
  const secondSteps = new Set(matchingSteps({ ...credential, code: second.code, steps: firstSteps.map((step) => step + 1) }));
  const pairs = firstSteps
    .filter((step) => secondSteps.has(step + 1))
    .sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre));
  if (pairs.length === 0) {
    return refuse(
      "The two codes are not consecutive codes of this token (or were used before). Press the token's button, type the code it shows, wait for the next code and type that one too.",
    );
  }

  const step = pairs[0] + 1;
  const driftSteps = step - currentStep;
  const ref = { kind: "hardwareToken" as const, id: token.id };
  return db.$transaction(async (tx) => {
    // Conditional on the step being later than any used: a sign-in meanwhile wins (C6).
    if (!(await claimTimeStep({ db: tx, ref, step, driftSteps, now }))) {
      return refuseTokenAction({ db: tx, actor, action: ACTION, token, reason: "These codes have just been used. Wait for the token's next two codes and enter them." });
    }
    await writeAuditEvent({ db: tx, actor, action: ACTION, target: tokenTarget(token), details: { previousDriftSteps: credential.driftSteps, driftSteps } });
    if (token.holder) {
      await notifyUser({ db: tx, upn: token.holder.upn, now, notice: { subject: "Your hardware token was resynchronised", what: `An administrator resynchronised the clock of your hardware token ${token.serialNumber}.` } });
    }
    return { ok: true as const, serialNumber: token.serialNumber, driftSteps, period: credential.period, previousDriftSteps: credential.driftSteps };
  });
}
