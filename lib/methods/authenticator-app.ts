import { writeAuditEvent } from "../audit/write-audit-event";
import { encryptSecret } from "../crypto/secret-box";
import type { Database } from "../db/client";
import { encodeBase32 } from "../otp/base32";
import { normaliseCodeInput } from "../shared/code-input";
import { stepWindow } from "../shared/step-window";
import { acceptMfaSuccess, activeMfaLock, lockAtThreshold } from "../otp/lockout";
import { claimTimeStep, loadOathCredential } from "../otp/oath-credential";
import { newAppSecret, otpauthUri } from "../otp/otpauth-uri";
import { matchingSteps, timeStepAt } from "../otp/totp";
import { SIGN_IN_WINDOW_STEPS, mfaLockedMessage } from "../otp/verify-oath-code";
import { methodDisabledMessage, methodsAllowedForUser } from "../policies/methods-policy";
import { refusalForMethodLimit } from "../tokens/assignment-rules";
import { freshMfaRefusal } from "./fresh-mfa";
import { methodLimitMessage } from "./method-limit";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";
import { setting } from "../shared/config";

/** A setup whose code never came is abandoned after this long: it never becomes usable. */
export const APP_SETUP_MINUTES = 15;

/** The name authenticator apps show above the code (the otpauth issuer). */
export function authenticatorIssuer(): string {
  return setting("PORTAL_ISSUER");
}

export type AppSetup = { appId: string; name: string; secret: string; uri: string; expiresAt: Date };

/**
 * Starts registering an authenticator app: a fresh 160-bit seed made here on the server, stored
 * encrypted as a `pending` app that can't answer sign-in until confirmed. The seed is returned
 * once, to this user, so the page can show it as a QR code and as text; it is never shown again.
 * Behind the fresh-MFA gate and the limit of 5 tokens and apps.
 */
export async function startAuthenticatorAppSetup(options: {
  db: Database;
  actor: SecurityInfoActor;
  name: string;
  now?: Date;
}): Promise<SecurityInfoResult<AppSetup>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const gate = await freshMfaRefusal({ db, actor, now });
  if (gate) return gate;
  if (!(await methodsAllowedForUser({ db, userId: actor.id })).allowed.has("softwareOath")) {
    return refuse(SecurityInfoFailure.MethodDisabled, methodDisabledMessage("softwareOath"));
  }
  const seed = newAppSecret();
  const secret = encodeBase32(seed);
  const expiresAt = new Date(now.getTime() + APP_SETUP_MINUTES * 60_000);
  return db.$transaction(async (tx) => {
    // Abandoned setups of this user go first: they hold no place and can never be confirmed.
    await tx.authenticatorApp.deleteMany({ where: { userId: actor.id, status: "pending", pendingExpiresAt: { lte: now } } });
    if (await refusalForMethodLimit({ db: tx, user: { id: actor.id, upn: actor.upn, displayName: "", roles: [] }, now })) {
      return refuse(SecurityInfoFailure.MethodLimit, methodLimitMessage());
    }
    const app = await tx.authenticatorApp.create({
      data: { userId: actor.id, name: options.name, encryptedSecret: encryptSecret(seed), status: "pending", pendingExpiresAt: expiresAt },
    });
    await writeAuditEvent({ db: tx, actor, action: "Start authenticator app registration", target: { type: "authenticatorApp", id: app.id, label: app.name } });
    return { ok: true as const, appId: app.id, name: app.name, secret, uri: otpauthUri({ issuer: authenticatorIssuer(), upn: actor.upn, secret }), expiresAt };
  });
}

/**
 * Finishes registering an app with the code it shows: checked like a sign-in code (±1 step,
 * constant time) and claimed in the same conditional UPDATE that makes the app `active`, so the
 * confirmation code counts as used (C6). A wrong code leaves it pending; an expired or someone
 * else's setup is "not found".
 */
export async function confirmAuthenticatorApp(options: {
  db: Database;
  actor: SecurityInfoActor;
  appId: string;
  code: unknown;
  now?: Date;
}): Promise<SecurityInfoResult<{ name: string }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  // The policy may have changed since the setup started.
  if (!(await methodsAllowedForUser({ db, userId: actor.id })).allowed.has("softwareOath")) {
    return refuse(SecurityInfoFailure.MethodDisabled, methodDisabledMessage("softwareOath"));
  }
  // While MFA is locked no code is accepted, this one included (C7).
  const lockedUntil = await activeMfaLock({ db, userId: actor.id, now });
  if (lockedUntil) return refuse(SecurityInfoFailure.Locked, mfaLockedMessage(lockedUntil));
  const ref = { kind: "authenticatorApp" as const, id: options.appId };
  const expiry = await db.authenticatorApp.findFirst({ where: { id: ref.id, userId: actor.id, status: "pending" }, select: { pendingExpiresAt: true } });
  const app = expiry && (!expiry.pendingExpiresAt || expiry.pendingExpiresAt > now) ? await loadOathCredential({ db, ref }) : null;
  if (!app) return refuse(SecurityInfoFailure.Expired, `This setup has expired or was already finished (setups last ${APP_SETUP_MINUTES} minutes). Start again with Add sign-in method.`);

  const input = normaliseCodeInput({ input: options.code, digits: app.digits });
  if (!input.ok) return refuse(SecurityInfoFailure.Invalid, input.message);
  const currentStep = timeStepAt({ now, period: app.period, t0: app.t0 });
  const steps = stepWindow(currentStep, SIGN_IN_WINDOW_STEPS);
  const candidates = matchingSteps({ ...app, code: input.code, steps }).filter((step) => step > app.lastUsedStep);

  const result = await db.$transaction(async (tx) => {
    for (const step of candidates) {
      const claimed = await claimTimeStep({ db: tx, ref, step, driftSteps: step - currentStep, now, appChanges: { status: "active", pendingExpiresAt: null } });
      if (!claimed) continue;
      // A good code is a completed MFA (the fresh-MFA gate counts from it), as at sign-in — and,
      // as on every code path, accepted only while MFA is not locked: a lock that came since the
      // check above rolls the confirmation back (the app stays pending) instead of being cleared.
      if (await acceptMfaSuccess({ db: tx, userId: actor.id, now })) throw new LockedDuringConfirmation();
      await recordSecurityInfoChange({
        db: tx,
        actor,
        action: "Register authenticator app",
        target: { type: "authenticatorApp", id: app.id, label: app.label },
        notice: { subject: "An authenticator app was added to your account", what: `The authenticator app "${app.label}" was added to your sign-in methods.` },
        now,
      });
      return { ok: true as const, name: app.label };
    }
    const reason = "That code didn't match. Enter the 6-digit code the app shows now for this account (it changes every 30 seconds).";
    await writeAuditEvent({ db: tx, actor, action: "Register authenticator app", target: { type: "authenticatorApp", id: app.id, label: app.label }, result: "failure", details: { reason } });
    return refuse(SecurityInfoFailure.WrongCode, reason);
  }).catch((error: unknown) => {
    if (error instanceof LockedDuringConfirmation) return error;
    throw error;
  });
  if (result instanceof LockedDuringConfirmation) {
    // The rollback took a lock written inside the transaction with it: write it for good.
    return refuse(SecurityInfoFailure.Locked, mfaLockedMessage(await lockAtThreshold({ db, userId: actor.id, now })));
  }
  return result;
}

/** Rolls back an app confirmation whose code was right but arrived while MFA was locked. */
class LockedDuringConfirmation extends Error {}
