import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database } from "../db/client";
import { listUsableOathCredentials } from "../methods/authentication-methods";
import { CodeCheckFailure, verifyOathCodeForAnyMethod } from "../otp/verify-oath-code";
import { findUserForCodeCheck } from "../users/code-check-user";
import { normaliseUpn } from "../users/create-user";

/**
 * What a relying service learns. `invalidCode` covers an unknown, disabled or locked account,
 * one without a usable method, and a wrong code alike, so the answer never tells whether an
 * account exists. `replayed` needs a code that was right a moment ago — only someone holding
 * the token gets it.
 */
export type RelyingServiceVerdict = { result: "accepted" } | { result: "rejected"; reason: "invalidCode" | "replayed" };

/** Why a request was rejected, for the audit log only (never sent to the caller). */
type RejectionCause = "unknownUser" | "disabledUser" | "noUsableMethod" | "locked" | "wrongCode" | "invalidFormat";

const CAUSE_OF: Partial<Record<CodeCheckFailure, RejectionCause>> = {
  [CodeCheckFailure.Locked]: "locked",
  [CodeCheckFailure.NotUsable]: "noUsableMethod",
  [CodeCheckFailure.WrongCode]: "wrongCode",
  [CodeCheckFailure.InvalidFormat]: "invalidFormat",
};

/**
 * The verification API's check (a VPN or RADIUS gateway asking "is this the user's code?", like
 * privacyIDEA's /validate/check or Entra's NPS extension): the code is tried against the user's
 * usable MFA methods, default first, through the sign-in engine — replay (C6) and lockout (C7)
 * apply, and a wrong code counts once however many methods the user holds. Every rejection is
 * audited (a replay by the engine itself), never with the code.
 */
export async function verifyCodeForRelyingService(options: {
  db: Database;
  upn: string;
  code: string;
  ipAddress?: string;
  now?: Date;
}): Promise<RelyingServiceVerdict> {
  const { db } = options;
  const upn = normaliseUpn(options.upn);
  // One read of the user for everything below: the account state, the default method, the lock.
  const user = await findUserForCodeCheck({ db, upn });
  const reject = async (cause: RejectionCause): Promise<RelyingServiceVerdict> => {
    await writeAuditEvent({
      db,
      actor: { id: user?.id ?? null, upn: user?.upn ?? upn, ipAddress: options.ipAddress },
      action: "Code verification by a relying service",
      target: user ? { type: "user", id: user.id, label: user.upn } : undefined,
      result: "failure",
      details: { reason: cause },
    });
    return { result: "rejected", reason: "invalidCode" };
  };
  if (!user) return reject("unknownUser");
  if (!user.enabled) return reject("disabledUser");

  // Only codes the user's devices show answer here: an email code needs a mail sent first.
  const credentials = await listUsableOathCredentials({ db, user });
  if (credentials.length === 0) return reject("noUsableMethod");
  const result = await verifyOathCodeForAnyMethod({
    db,
    userId: user.id,
    credentials,
    code: options.code,
    now: options.now,
    user,
    ipAddress: options.ipAddress,
  });
  if (result.ok) return { result: "accepted" };
  // The engine has already audited the replay.
  if (result.failure === CodeCheckFailure.Replayed) return { result: "rejected", reason: "replayed" };
  return reject(CAUSE_OF[result.failure] ?? "wrongCode");
}
