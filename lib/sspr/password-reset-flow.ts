import crypto from "node:crypto";
import { hashPassword } from "../auth/password";
import { isAdmin } from "../auth/permissions";
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { sendEmailOneTimeCode, verifyEmailOneTimeCode } from "../methods/email-one-time-code";
import { notifyUser } from "../notify/notify-user";
import { portalUrl } from "../notify/portal-url";
import { matchingSteps } from "../otp/totp";
import { verifyOathCodeForAnyMethod } from "../otp/verify-oath-code";
import { hashSignInHandle, newSignInHandle } from "../auth/pending-sign-in";
import type { ClientInfo } from "../audit/sign-in-log";
import { normaliseUpn } from "../users/create-user";
import { newPasswordProblem } from "../users/password-rules";
import { CAPTCHA_MESSAGE, sweepCaptchaSolutions, verifyCaptcha } from "./captcha";
import { consumeRateLimit, sweepRateLimitHits, tryAgainMessage, type RateLimit } from "../db/rate-limit";
import { PASSWORD_RESET_MIN_RESPONSE_MS, withMinimumDuration } from "./even-timing";
import { loadSsprStanding, ssprIneligibility } from "./reset-standing";
import { getSsprPolicy } from "./sspr-policy";
import { SSPR_METHOD_LABELS, isSsprMethod, type SsprMethod } from "./sspr-policy-model";
import { setting } from "../shared/config";

/** How long a reset stays open after the UPN step. */
export const PASSWORD_RESET_MINUTES = 15;
/** Codes one reset may try before it must start again (every reset, known account or not). */
export const MAX_CODES_PER_RESET = 10;

/** The one answer for every failed code (R1): it can't tell a wrong code from an unknown account. */
export const RESET_CODE_FAILED_MESSAGE =
  "We couldn't verify you with that code. Check that you chose the right method and entered the code it shows now. " +
  "After too many wrong codes verification locks for a while. If you can't get through, contact your administrator.";
export const RESET_EXPIRED_MESSAGE = "Your password reset timed out or was already used. Start again.";
export const SSPR_OFF_MESSAGE = "Self-service password reset isn't turned on for your organisation. Contact your administrator to reset your password.";
export const EMAIL_CODE_SENT_MESSAGE =
  "If this account has a confirmed email address that can be used for password reset, we've sent a code to it. It is valid for 10 minutes.";

/** The limits on starting a reset, from the environment (per account and per IP, one shared window). */
export function passwordResetLimits(): { account: RateLimit; ip: RateLimit } {
  const windowMinutes = setting("PASSWORD_RESET_LIMIT_WINDOW_MINUTES");
  return {
    account: { limit: setting("PASSWORD_RESET_ACCOUNT_LIMIT"), windowMinutes },
    ip: { limit: setting("PASSWORD_RESET_IP_LIMIT"), windowMinutes },
  };
}

/** Sends of email codes one reset may ask for in 15 minutes. */
const EMAIL_SENDS: RateLimit = { limit: 3, windowMinutes: 15 };

export type StartResetResult = { outcome: "verify"; handle: string } | { outcome: "refused"; message: string; captchaFailed?: boolean };

/**
 * Step 1: the UPN and a solved CAPTCHA. The CAPTCHA is checked before anything else; then the
 * per-IP and per-account limits (an unknown UPN is counted like a known one). Every accepted
 * request opens a reset row — eligible or not, known or not — and gets the same answer, so
 * nothing about the account shows (R1). Why an account can't reset goes to the audit log only.
 */
export async function startPasswordReset(options: Parameters<typeof answerStartPasswordReset>[0]): Promise<StartResetResult> {
  return withMinimumDuration(PASSWORD_RESET_MIN_RESPONSE_MS, () => answerStartPasswordReset(options));
}

async function answerStartPasswordReset(options: {
  db: Database;
  upn: string;
  captcha: unknown;
  client: ClientInfo;
  limits?: { account: RateLimit; ip: RateLimit };
  now?: Date;
}): Promise<StartResetResult> {
  const { db, client } = options;
  const now = options.now ?? new Date();
  if (!(await verifyCaptcha({ db, payload: options.captcha, now }))) return { outcome: "refused", message: CAPTCHA_MESSAGE, captchaFailed: true };
  const policy = await getSsprPolicy({ db });
  if (policy.enabledFor === "none") return { outcome: "refused", message: SSPR_OFF_MESSAGE };

  const upn = normaliseUpn(options.upn).slice(0, 320);
  const limits = options.limits ?? passwordResetLimits();
  const accountKey = `passwordReset:account:${crypto.createHash("sha256").update(upn).digest("base64url")}`;
  for (const [key, limit] of [[`passwordReset:ip:${client.ipAddress}`, limits.ip], [accountKey, limits.account]] as const) {
    const decision = await consumeRateLimit({ db, key, now, ...limit });
    if (!decision.allowed) return { outcome: "refused", message: tryAgainMessage(decision.retryAfterMinutes) };
  }
  await Promise.all([
    sweepCaptchaSolutions({ db, now }),
    sweepRateLimitHits({ db, olderThan: new Date(now.getTime() - 24 * 60 * 60_000) }),
    db.passwordReset.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 60 * 60_000) } } }),
  ]);

  const standing = await loadSsprStanding({ db, policy, upn });
  const ineligible = ssprIneligibility(standing);
  const { handle, handleHash } = newSignInHandle();
  await db.$transaction(async (tx) => {
    await tx.passwordReset.create({
      data: {
        handleHash,
        userId: standing.user?.id ?? null,
        upn,
        eligible: ineligible === null,
        methodsRequired: standing.methodsRequired,
        ipAddress: client.ipAddress.slice(0, 64),
        expiresAt: new Date(now.getTime() + PASSWORD_RESET_MINUTES * 60_000),
      },
    });
    await writeAuditEvent({
      db: tx,
      actor: resetActor(standing.user?.id ?? null, upn, client),
      action: "Self-service password reset started",
      target: { type: "user", id: standing.user?.id ?? "", label: upn },
      result: ineligible ? "failure" : "success",
      details: ineligible ? { reason: ineligible } : { methodsRequired: standing.methodsRequired },
    });
  });
  return { outcome: "verify", handle };
}

function resetActor(userId: string | null, upn: string, client: ClientInfo): AuditActor {
  return { id: userId, upn, ipAddress: client.ipAddress };
}

async function openReset(options: { db: DatabaseOrTransaction; handle: string; now: Date }) {
  const reset = await options.db.passwordReset.findUnique({ where: { handleHash: hashSignInHandle(options.handle) } });
  return reset && !reset.completedAt && reset.expiresAt > options.now ? reset : null;
}

function verifiedMethodsOf(reset: { verifiedMethods: string }): SsprMethod[] {
  return reset.verifiedMethods.split(",").filter(isSsprMethod);
}

/** What the reset pages show: the same for every account until a code has been verified. */
export type ResetProgress = {
  stage: "verify" | "newPassword";
  /** method types the policy counts and this reset hasn't used yet (the same list for everyone) */
  methods: { method: SsprMethod; label: string }[];
  verifiedCount: number;
};

export async function passwordResetProgress(options: { db: Database; handle: string; now?: Date }): Promise<ResetProgress | null> {
  const reset = await openReset({ db: options.db, handle: options.handle, now: options.now ?? new Date() });
  if (!reset) return null;
  const policy = await getSsprPolicy({ db: options.db });
  const verified = verifiedMethodsOf(reset);
  return {
    stage: reset.eligible && verified.length >= reset.methodsRequired ? "newPassword" : "verify",
    methods: policy.methods.filter((m) => !verified.includes(m)).map((method) => ({ method, label: SSPR_METHOD_LABELS[method] })),
    verifiedCount: verified.length,
  };
}

export type ResetEmailResult = { outcome: "expired"; message: string } | { outcome: "sent" | "limited"; message: string };

/**
 * Sends an email code for a verification step — only for an eligible reset whose user holds a
 * confirmed email counted by the policy — and answers the same either way.
 */
export async function sendPasswordResetEmailCode(options: Parameters<typeof answerSendPasswordResetEmailCode>[0]): Promise<ResetEmailResult> {
  return withMinimumDuration(PASSWORD_RESET_MIN_RESPONSE_MS, () => answerSendPasswordResetEmailCode(options));
}

async function answerSendPasswordResetEmailCode(options: { db: Database; handle: string; now?: Date }): Promise<ResetEmailResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const reset = await openReset({ db, handle: options.handle, now });
  if (!reset) return { outcome: "expired", message: RESET_EXPIRED_MESSAGE };
  const decision = await consumeRateLimit({ db, key: `passwordReset:email:${reset.id}`, now, ...EMAIL_SENDS });
  if (!decision.allowed) return { outcome: "limited", message: tryAgainMessage(decision.retryAfterMinutes, "You've asked for several codes.") };
  const policy = await getSsprPolicy({ db });
  if (reset.eligible && reset.userId && policy.methods.includes("email") && !verifiedMethodsOf(reset).includes("email")) {
    await sendEmailOneTimeCode({ db, userId: reset.userId, purpose: "passwordReset", now });
  }
  return { outcome: "sent", message: EMAIL_CODE_SENT_MESSAGE };
}

export type ResetCodeResult =
  | { outcome: "expired"; message: string }
  | { outcome: "retry"; message: string }
  | { outcome: "verified"; next: "anotherMethod" | "newPassword" };

/** Every code is read the same way first, whatever the account holds: 6 to 8 digits. */
function codeLooksValid(code: unknown): code is string {
  return typeof code === "string" && /^[0-9]{6,8}$/.test(code.replace(/[\s\-\u00a0]/g, ""));
}

/**
 * Step 2: a code from one method type the policy counts. For tokens and apps it is checked
 * against every credential of that kind the user holds, through the sign-in code engine (C6
 * replay, shared with sign-in: a code used here can't sign in, and the other way round). A wrong
 * code counts once towards the account's password reset lock (C7) — its own counter, so a
 * stranger's reset attempts never lock the account's sign-in MFA. A reset that can't succeed (unknown, disabled,
 * out of scope, too few methods) does equivalent work and gets the same answer. Two steps must
 * use two different method types; nothing changes but the reset's own record until the last
 * one succeeds (R3).
 */
export async function verifyPasswordResetCode(options: Parameters<typeof answerVerifyPasswordResetCode>[0]): Promise<ResetCodeResult> {
  return withMinimumDuration(PASSWORD_RESET_MIN_RESPONSE_MS, () => answerVerifyPasswordResetCode(options));
}

async function answerVerifyPasswordResetCode(options: {
  db: Database;
  handle: string;
  method: string;
  code: unknown;
  client: ClientInfo;
  now?: Date;
}): Promise<ResetCodeResult> {
  const { db, client } = options;
  const now = options.now ?? new Date();
  const reset = await openReset({ db, handle: options.handle, now });
  if (!reset) return { outcome: "expired", message: RESET_EXPIRED_MESSAGE };
  const policy = await getSsprPolicy({ db });
  const verified = verifiedMethodsOf(reset);
  const method = options.method;
  if (!isSsprMethod(method) || !policy.methods.includes(method) || verified.includes(method)) {
    return { outcome: "retry", message: verified.length ? "Choose a different method for this step: each step needs another one." : "Choose one of the methods listed." };
  }
  if (!codeLooksValid(options.code)) return { outcome: "retry", message: "Enter the code: 6 to 8 digits (0–9)." };

  // Each reset has a budget of codes; counted atomically so parallel requests can't exceed it.
  const counted = await db.passwordReset.updateMany({
    where: { id: reset.id, codeAttempts: { lt: MAX_CODES_PER_RESET }, completedAt: null },
    data: { codeAttempts: { increment: 1 } },
  });
  if (counted.count !== 1) {
    await db.passwordReset.updateMany({ where: { id: reset.id }, data: { expiresAt: now } });
    return { outcome: "expired", message: "Too many codes were tried in this password reset. Start again." };
  }

  const result = reset.eligible && reset.userId ? await checkCode({ db, userId: reset.userId, method, code: options.code, now, ipAddress: client.ipAddress }) : decoyCheck(options.code);
  const audit = (result: "success" | "failure", details: Record<string, string | number>) =>
    writeAuditEvent({
      db,
      actor: resetActor(reset.userId, reset.upn, client),
      action: "Self-service password reset verification",
      target: { type: "user", id: reset.userId ?? "", label: reset.upn },
      result,
      details: { method: SSPR_METHOD_LABELS[method], step: verified.length + 1, ...details },
    });
  if (!result.ok) {
    await audit("failure", { reason: result.reason });
    return { outcome: "retry", message: RESET_CODE_FAILED_MESSAGE };
  }
  const nowVerified = [...verified, method];
  // Conditional on what this request read: two steps verified at once can't both count.
  const recorded = await db.passwordReset.updateMany({
    where: { id: reset.id, verifiedMethods: reset.verifiedMethods, completedAt: null },
    data: { verifiedMethods: nowVerified.join(",") },
  });
  if (recorded.count !== 1) return { outcome: "retry", message: "Another step of this reset finished at the same time. Reload the page." };
  await audit("success", {});
  return { outcome: "verified", next: nowVerified.length >= reset.methodsRequired ? "newPassword" : "anotherMethod" };
}

async function checkCode(options: { db: Database; userId: string; method: SsprMethod; code: string; now: Date; ipAddress: string }): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { db, userId, method, code, now, ipAddress } = options;
  if (method === "email") {
    const result = await verifyEmailOneTimeCode({ db, userId, purpose: "passwordReset", code, now, ipAddress });
    return result.ok ? { ok: true } : { ok: false, reason: result.failure };
  }
  const policy = await getSsprPolicy({ db });
  const standing = await loadSsprStanding({ db, policy, userId });
  const credentials = standing.credentials[method];
  if (!credentials.length) return { ok: false, reason: "notHeld" };
  const result = await verifyOathCodeForAnyMethod({ db, userId, credentials, code, now, ipAddress, counter: "passwordReset" });
  return result.ok ? { ok: true } : { ok: false, reason: result.failure };
}

/** A reset that can't succeed still compares the code against a seed, so it takes similar time. */
function decoyCheck(code: string): { ok: false; reason: string } {
  const digits = code.replace(/[\s\-\u00a0]/g, "");
  matchingSteps({ secret: crypto.randomBytes(20), algorithm: "SHA1", digits: digits.length, period: 30, t0: 0, code: digits, steps: [1, 2, 3] });
  return { ok: false, reason: "notEligible" };
}

export type CompleteResetResult = { outcome: "expired"; message: string } | { outcome: "retry"; message: string } | { outcome: "done" };

/**
 * Step 3: the new password (R4), accepted only when every required step was verified. One
 * transaction claims the reset (once), sets the password, ends every session (A3), writes the
 * audit event and queues the notices the policy asks for. No session is created (R5).
 */
export async function completePasswordReset(options: {
  db: Database;
  handle: string;
  newPassword: string;
  client: ClientInfo;
  now?: Date;
}): Promise<CompleteResetResult> {
  const { db, client } = options;
  const now = options.now ?? new Date();
  const reset = await openReset({ db, handle: options.handle, now });
  if (!reset) return { outcome: "expired", message: RESET_EXPIRED_MESSAGE };
  if (!reset.eligible || !reset.userId || verifiedMethodsOf(reset).length < reset.methodsRequired) {
    return { outcome: "retry", message: "Verify your identity first." };
  }
  const problem = newPasswordProblem({ password: options.newPassword, upn: reset.upn });
  if (problem) return { outcome: "retry", message: problem };
  const passwordHash = await hashPassword(options.newPassword);
  const policy = await getSsprPolicy({ db });
  return db.$transaction(async (tx): Promise<CompleteResetResult> => {
    const claimed = await tx.passwordReset.updateMany({ where: { id: reset.id, completedAt: null, expiresAt: { gt: now } }, data: { completedAt: now } });
    if (claimed.count !== 1) return { outcome: "expired", message: RESET_EXPIRED_MESSAGE };
    // An account disabled while the reset was open can't finish it.
    if (!(await tx.user.findFirst({ where: { id: reset.userId!, enabled: true }, select: { id: true } }))) {
      return { outcome: "expired", message: RESET_EXPIRED_MESSAGE };
    }
    const user = await tx.user.update({
      where: { id: reset.userId! },
      data: { passwordHash, passwordChangedAt: now, mustChangePassword: false, sessionVersion: { increment: 1 } },
      select: { id: true, upn: true, roles: { select: { role: true } } },
    });
    const signIn = portalUrl("/login");
    if (policy.notifyUsers) {
      await notifyUser({
        db: tx,
        upn: user.upn,
        notice: { subject: "Your password was reset", what: `The password of your account was reset with self-service password reset, and every session was signed out. Sign in with the new password at ${signIn}.` },
        now,
      });
    }
    const isAdminReset = isAdmin(user.roles.map((r) => r.role));
    if (isAdminReset && policy.notifyAdmins) {
      const globalAdmins = await tx.user.findMany({
        where: { id: { not: user.id }, enabled: true, roles: { some: { role: "Global Administrator" } } },
        select: { upn: true },
      });
      for (const admin of globalAdmins) {
        await notifyUser({
          db: tx,
          upn: admin.upn,
          notice: { subject: "An administrator reset their password", what: `${user.upn}, who holds an administrator role, reset their password with self-service password reset. Review it in the audit log at ${portalUrl("/admin/audit")}.` },
          now,
        });
      }
    }
    await writeAuditEvent({
      db: tx,
      actor: resetActor(user.id, user.upn, client),
      action: "Reset password (self-service)",
      target: { type: "user", id: user.id, label: user.upn },
      details: { methods: verifiedMethodsOf(reset).map((m) => SSPR_METHOD_LABELS[m]).join(", "), sessionsEnded: true, adminsNotified: isAdminReset && policy.notifyAdmins },
    });
    return { outcome: "done" };
  });
}
