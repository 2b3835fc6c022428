import type { DatabaseOrTransaction } from "../db/client";
import { normaliseCodeInput } from "../shared/code-input";
import { stepWindow } from "../shared/step-window";
import { writeAuditEvent } from "../audit/write-audit-event";
import { acceptMfaSuccess, activeMfaLock, lockedAfterFailuresAction, lockoutPolicy, recordMfaFailure, type LockoutCounter } from "./lockout";
import { claimTimeStep, loadOathCredential, type OathCredential, type OathCredentialRef } from "./oath-credential";
import { matchingSteps, timeStepAt } from "./totp";
import { countCodeCheck, type CodeCheckOutcome } from "../metrics/portal-metrics";

/** Why a code was not accepted; each maps to a message a person can act on. */
export enum CodeCheckFailure {
  InvalidFormat = "invalidFormat",
  Locked = "locked",
  NotUsable = "notUsable",
  WrongCode = "wrongCode",
  Replayed = "replayed",
}

export type CodeCheckResult =
  | { ok: true; step: number; driftSteps: number; label: string; credential: OathCredentialRef }
  | { ok: false; failure: CodeCheckFailure; message: string; lockedUntil?: Date; label?: string };

/** At sign-in only ±1 step around the learned drift is accepted (C3). */
export const SIGN_IN_WINDOW_STEPS = 1;

/** Drift learned from sign-in codes never goes past one day of steps (C8); only a resync moves it further. */
export function maxLearnedDriftSteps(period: number): number {
  return Math.round(86_400 / period);
}

/**
 * The code engine: checks an OATH verification code from a user's activated hardware token or
 * confirmed authenticator app, with the token's own parameters (C2), the ±1 step window around
 * its learned drift (C3), normalised string input (C4), constant-time comparison (C5), replay
 * refusal by an atomic conditional update (C6) and the per-user lockout (C7).
 */
export async function verifyOathCode(options: {
  db: DatabaseOrTransaction;
  userId: string;
  credential: OathCredentialRef;
  code: unknown;
  now?: Date;
  /** where the code came from, for the audit events of a replay or a lock */
  ipAddress?: string;
}): Promise<CodeCheckResult> {
  return verifyOathCodeForAnyMethod({ ...options, credentials: [options.credential] });
}

type CodeCheckOptions = {
  db: DatabaseOrTransaction;
  userId: string;
  credentials: (OathCredentialRef | OathCredential)[];
  code: unknown;
  now?: Date;
  /** the user row as read in this request: its lock, and the UPN its audit events name */
  user?: { upn: string; mfaLockedUntil: Date | null };
  /** where the code came from, for the audit events of a replay or a lock */
  ipAddress?: string;
  /** the run of failures the code counts towards: MFA (default) or password reset's own */
  counter?: LockoutCounter;
};

const METRIC_OUTCOME: Record<CodeCheckFailure, CodeCheckOutcome> = {
  [CodeCheckFailure.InvalidFormat]: "invalidFormat",
  [CodeCheckFailure.Locked]: "locked",
  [CodeCheckFailure.NotUsable]: "notUsable",
  [CodeCheckFailure.WrongCode]: "wrong",
  [CodeCheckFailure.Replayed]: "replayed",
};

/**
 * The same engine when the caller doesn't say which method the code came from (the
 * verification API of relying services): the code is tried against each of the user's
 * credentials in the order given (default first), and a wrong code counts as ONE failure
 * towards the lockout (C7), however many credentials it was tried against.
 *
 * A caller that has just read the credentials with their seeds (listUsableOathCredentials) or
 * the user row passes them instead of references and `user`, so nothing is read twice: the
 * checks below apply to them all the same, and what makes a code good once and counts failures
 * is the conditional updates, not these reads.
 */
export async function verifyOathCodeForAnyMethod(options: CodeCheckOptions): Promise<CodeCheckResult> {
  const started = performance.now();
  const result = await checkOathCode(options);
  countCodeCheck({ outcome: result.ok ? "accepted" : METRIC_OUTCOME[result.failure], seconds: (performance.now() - started) / 1000 });
  return result;
}

async function checkOathCode(options: CodeCheckOptions): Promise<CodeCheckResult> {
  const { db, userId, counter } = options;
  const now = options.now ?? new Date();

  const lockedUntil = await activeMfaLock({ db, userId, now, knownLock: options.user, counter });
  if (lockedUntil) return lockedResult(lockedUntil);

  const usable: OathCredential[] = [];
  for (const ref of options.credentials) {
    const credential = "secret" in ref ? ref : await loadOathCredential({ db, ref });
    const ready = credential?.kind === "hardwareToken" ? credential.status === "activated" : credential?.status === "active";
    if (credential && credential.userId === userId && ready) usable.push(credential);
  }
  if (usable.length === 0) {
    return { ok: false, failure: CodeCheckFailure.NotUsable, message: "This sign-in method can't be used. Choose another way to sign in." };
  }

  // Each credential reads the input with its own number of digits (6 or 8).
  const candidates: { credential: OathCredential; code: string }[] = [];
  let formatProblem: { message: string; label: string } | null = null;
  for (const credential of usable) {
    const input = normaliseCodeInput({ input: options.code, digits: credential.digits });
    if (input.ok) candidates.push({ credential, code: input.code });
    else formatProblem ??= { message: input.message, label: credential.label };
  }
  if (candidates.length === 0 && formatProblem) {
    return { ok: false, failure: CodeCheckFailure.InvalidFormat, message: formatProblem.message, label: formatProblem.label };
  }

  let replayedOn: OathCredential | null = null;
  for (const { credential, code } of candidates) {
    const currentStep = timeStepAt({ now, period: credential.period, t0: credential.t0 });
    const centre = currentStep + credential.driftSteps;
    const steps = stepWindow(centre, SIGN_IN_WINDOW_STEPS);
    const matches = matchingSteps({ ...credential, code, steps });
    const fresh = matches.filter((step) => step > credential.lastUsedStep);

    const cap = maxLearnedDriftSteps(credential.period);
    for (const step of fresh) {
      const driftSteps = Math.max(-cap, Math.min(cap, step - currentStep));
      const ref = { kind: credential.kind, id: credential.id };
      if (await claimTimeStep({ db, ref, step, driftSteps, now })) {
        // The step stays used even when the lock refuses it: a code is good once at most.
        const locked = await acceptMfaSuccess({ db, userId, now, counter });
        if (locked) return { ...lockedResult(locked), label: credential.label };
        return { ok: true, step, driftSteps, label: credential.label, credential: ref };
      }
    }
    if (matches.length > 0) replayedOn ??= credential;
  }

  // A replayed code is a real code seen before, not a guess: it is refused and logged but does
  // not count towards the lockout (else a double-submitted form would lock a user out).
  if (replayedOn) {
    await auditCodeEvent({ db, userId, upn: options.user?.upn, ipAddress: options.ipAddress, action: "Verification code replayed", credential: replayedOn });
    return {
      ok: false,
      failure: CodeCheckFailure.Replayed,
      message: "This code has already been used. Wait for the next code on your device and enter it.",
      label: replayedOn.label,
    };
  }
  const tried = candidates[0].credential;
  const failure = await recordMfaFailure({ db, userId, now, counter });
  if (failure.lockedUntil) {
    // Only the failure that reached the threshold records the lock (concurrent ones see it too).
    if (failure.failedCount === lockoutPolicy().threshold) {
      await auditCodeEvent({ db, userId, upn: options.user?.upn, ipAddress: options.ipAddress, action: lockedAfterFailuresAction(counter), credential: tried, until: failure.lockedUntil });
    }
    return { ...lockedResult(failure.lockedUntil), label: tried.label };
  }
  return {
    ok: false,
    failure: CodeCheckFailure.WrongCode,
    message: "That code didn't work. Check the code shown on your device now and try again.",
    label: tried.label,
  };
}

/** Security events of the code engine go to the audit log (W5) — never the code itself. */
async function auditCodeEvent(options: { db: DatabaseOrTransaction; userId: string; upn?: string; ipAddress?: string; action: string; credential: { id: string; kind: string; label: string }; until?: Date }) {
  const upn = options.upn ?? (await options.db.user.findUnique({ where: { id: options.userId }, select: { upn: true } }))?.upn;
  await writeAuditEvent({
    db: options.db,
    actor: { id: options.userId, upn: upn ?? "", ipAddress: options.ipAddress },
    action: options.action,
    target: { type: options.credential.kind, id: options.credential.id, label: options.credential.label },
    result: "failure",
    details: options.until ? { lockedUntil: options.until.toISOString() } : {},
  });
}

/** The one wording of an MFA lock, for every path that checks codes. */
export function mfaLockedMessage(lockedUntil: Date): string {
  return `Too many wrong codes. Verification is locked until ${lockedUntil.toISOString().replace("T", " ").slice(0, 16)} UTC; try again then or contact your helpdesk.`;
}

function lockedResult(lockedUntil: Date): CodeCheckResult {
  return { ok: false, failure: CodeCheckFailure.Locked, lockedUntil, message: mfaLockedMessage(lockedUntil) };
}
