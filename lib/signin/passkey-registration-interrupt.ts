import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import {
  AUTHENTICATION_STRENGTH_LABELS, formatMethodModes, parseMethodModes, parseStrengths, satisfiesStrength, strengthNeedsMethodMessage, strictestStrength, unmetStrengths,
  type AuthenticationMethodMode, type AuthenticationStrength,
} from "../conditional-access/authentication-strength";
import type { Database } from "../db/client";
import { finishPasskeyRegistrationFor, passkeyPolicyRefusal, startPasskeyRegistrationFor, type PasskeyRegistrant } from "../methods/passkey-registration";
import type { SecurityInfoResult } from "../methods/security-info-change";
import { hasUsablePasskey } from "../webauthn/passkeys";
import { listMfaMethods } from "../methods/authentication-methods";
import { hashSignInHandle } from "../auth/pending-sign-in";
import { addSignInStep, type SignInStepInput } from "../audit/sign-in-log";
import type { OpenPendingMfa } from "./pending-mfa";

/**
 * Entra's registration interrupt for authentication strengths: a person whose sign-in needs a
 * passkey (Passwordless or Phishing-resistant MFA) and who holds none, but whom the passkey policy
 * lets register one, proves MFA with a method they have, then registers a passkey, then uses it.
 * Between the second factor and the passkey the pending sign-in waits server-side in this stage —
 * short-lived and unskippable (A1): no session is ever made from it, and the passkey step that
 * follows must meet every strength before the sign-in completes.
 */
export const REGISTER_PASSKEY_STAGE = "registerPasskey";

export const REGISTRATION_INTERRUPT_REASON = "Authentication strength requires a passkey: the user is registering one";

/** Whether a person who holds no passkey may be sent to register one at sign-in (policy enabled for them, self-service, under the cap). */
export async function mayRegisterPasskeyAtSignIn(options: { db: Database; userId: string }): Promise<boolean> {
  const [{ refusal }, holdsOne] = await Promise.all([passkeyPolicyRefusal(options), hasUsablePasskey(options)]);
  return !refusal && !holdsOne;
}

/**
 * How a person would meet a passkey strength (Passwordless or Phishing-resistant MFA) at sign-in:
 * with a passkey they hold; through the registration interrupt (a code method of theirs proves MFA
 * first, and the passkey policy lets them register); or not at all — then `mayRegister` says
 * whether only the method for that first MFA is missing, or the policy doesn't let them register.
 * The sign-in (password-step.ts), an application's entry (lib/oidc) and What if read the same answer.
 */
export type PasskeyStrengthPath = { path: "usePasskey" } | { path: "registerPasskey" } | { path: "none"; mayRegister: boolean };

export async function passkeyStrengthPath(options: { db: Database; userId: string }): Promise<PasskeyStrengthPath> {
  if (await hasUsablePasskey(options)) return { path: "usePasskey" };
  const [{ refusal }, { methods }] = await Promise.all([passkeyPolicyRefusal(options), listMfaMethods(options)]);
  if (refusal) return { path: "none", mayRegister: false };
  return methods.length ? { path: "registerPasskey" } : { path: "none", mayRegister: true };
}

/** What a person who can't meet a passkey strength for `resource` is told: what to register, and who can let them. */
export function passkeyStrengthRefusalMessage(options: { strength: AuthenticationStrength; resource: string; mayRegister: boolean }): string {
  if (options.mayRegister) return strengthNeedsMethodMessage(options);
  return `You need a passkey to sign in to ${options.resource}: your organisation requires ${AUTHENTICATION_STRENGTH_LABELS[options.strength]} there, and you have no passkey. Your organisation doesn't let you register one yourself: ask your helpdesk to let you register a passkey (a FIDO2 security key, or a passkey on your phone or computer), then try again.`;
}

/** Whether the strengths the sign-in requires would need a passkey that this method can't give, with MFA still proved by it (the interrupt applies). */
export function interruptFollows(options: { pending: Pick<OpenPendingMfa, "authMethods" | "requiredStrengths">; method: AuthenticationMethodMode }): boolean {
  const methods = [...parseMethodModes(options.pending.authMethods), options.method];
  const strengths = parseStrengths(options.pending.requiredStrengths);
  return satisfiesStrength({ strength: "mfa", methods }) && unmetStrengths({ strengths, methods }).length > 0
    && unmetStrengths({ strengths, methods: [...methods, "passkey"] }).length === 0;
}

/**
 * The second factor succeeded but the strength needs a passkey the person is about to register:
 * the pending sign-in moves (once) from waiting for MFA to waiting for the registration, with the
 * method recorded; the sign-in log gets the step and stays interrupted.
 */
export async function sendToPasskeyRegistration(options: { db: Database; pending: OpenPendingMfa; step: SignInStepInput; method: AuthenticationMethodMode; now: Date }): Promise<boolean> {
  const { db, pending, now } = options;
  const moved = await db.pendingSignIn.updateMany({
    where: { id: pending.id, stage: "mfaRequired", consumedAt: null, expiresAt: { gt: now } },
    data: { stage: REGISTER_PASSKEY_STAGE, mfaAt: now, authMethods: formatMethodModes([...parseMethodModes(pending.authMethods), options.method]) },
  });
  if (moved.count !== 1) return false;
  await addSignInStep({ db, signInId: pending.signInId, step: options.step, status: "interrupted", failureReason: REGISTRATION_INTERRUPT_REASON });
  return true;
}

/** The pending sign-in behind a handle while it waits for the passkey registration; null once expired or moved on. */
async function openRegistration(db: Database, handle: string, now: Date) {
  const pending = await db.pendingSignIn.findUnique({ where: { handleHash: hashSignInHandle(handle) } });
  if (!pending || pending.stage !== REGISTER_PASSKEY_STAGE || pending.consumedAt || pending.expiresAt <= now) return null;
  const user = await db.user.findUnique({ where: { id: pending.userId }, select: { id: true, upn: true, enabled: true } });
  return user?.enabled ? { pending, user } : null;
}

async function registrantOf(db: Database, handle: string, now: Date, ipAddress?: string): Promise<{ registrant: PasskeyRegistrant; resource: string; pendingId: string } | null> {
  const open = await openRegistration(db, handle, now);
  if (!open) return null;
  // The challenge is bound to this pending sign-in (single-use, like every ceremony's).
  return { registrant: { owner: { id: open.user.id, upn: open.user.upn, ipAddress }, boundTo: hashSignInHandle(handle), session: null }, resource: open.pending.resource, pendingId: open.pending.id };
}

/** What the interrupt page says: which strength, which resource. */
export function registrationInterruptMessage(options: { requiredStrengths: string; resource: string }): string {
  const strength = strictestStrength(parseStrengths(options.requiredStrengths));
  const label = strength ? ` (${AUTHENTICATION_STRENGTH_LABELS[strength]})` : "";
  return `Your organisation requires a passkey to sign in to ${options.resource}${label}. Register one now.`;
}

export type InterruptStart = { outcome: "expired" } | { outcome: "refused"; message: string } | { outcome: "ceremony"; options: PublicKeyCredentialCreationOptionsJSON };

/** Step 1 of the interrupt's registration: the browser's create() options, same rules as in Security info. */
export async function startInterruptRegistration(options: { db: Database; handle: string; ipAddress?: string; now?: Date }): Promise<InterruptStart> {
  const now = options.now ?? new Date();
  const open = await registrantOf(options.db, options.handle, now, options.ipAddress);
  if (!open) return { outcome: "expired" };
  const started = await startPasskeyRegistrationFor({ db: options.db, registrant: open.registrant, now });
  return started.ok ? { outcome: "ceremony", options: started.options } : { outcome: "refused", message: started.reason };
}

/**
 * Step 2: checks and saves the passkey (audited, notice sent, policy's key restrictions and
 * attestation), then the pending sign-in goes back to waiting for its second factor — now only the
 * new passkey can finish it, since nothing else meets the strength.
 */
export async function finishInterruptRegistration(options: {
  db: Database; handle: string; name: string; response: RegistrationResponseJSON; ipAddress?: string; now?: Date;
}): Promise<{ outcome: "expired" } | { outcome: "refused"; message: string } | { outcome: "registered" }> {
  const { db } = options;
  const now = options.now ?? new Date();
  const open = await registrantOf(db, options.handle, now, options.ipAddress);
  if (!open) return { outcome: "expired" };
  const saved: SecurityInfoResult = await finishPasskeyRegistrationFor({ db, registrant: open.registrant, name: options.name, response: options.response, now });
  if (!saved.ok) return { outcome: "refused", message: saved.reason };
  const moved = await db.pendingSignIn.updateMany({ where: { id: open.pendingId, stage: REGISTER_PASSKEY_STAGE, consumedAt: null }, data: { stage: "mfaRequired" } });
  return moved.count === 1 ? { outcome: "registered" } : { outcome: "expired" };
}
