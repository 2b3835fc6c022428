import { verifyPassword } from "../auth/password";
import { blockedMessage } from "./enter-resource";
import { evaluateConditionalAccessForUser, evaluateConditionalAccessOnTheWayTo } from "../conditional-access/policy-store";
import { policyResultsFor, type MfaProgress } from "../conditional-access/policy-results";
import { applicationResource, type ConditionalAccessResource } from "../conditional-access/policy-model";
import { recordSignInPolicyResults } from "../conditional-access/sign-in-policy-results";
import type { Database } from "../db/client";
import {
  AUTHENTICATION_STRENGTH_LABELS, formatStrengths, type AuthenticationStrength, methodCompletesStrengths, strengthNeedsMethodMessage, strictestStrength, unmetStrengths,
} from "../conditional-access/authentication-strength";
import { listMfaMethods } from "../methods/authentication-methods";
import { temporaryAccessPassSignInChoice } from "../methods/temporary-access-pass";
import { normaliseUpn } from "../users/create-user";
import { PASSKEY_METHOD_ID, hasUsablePasskey } from "../webauthn/passkeys";
import { mayRegisterPasskeyAtSignIn } from "./passkey-registration-interrupt";
import { PASSWORD_CHANGE_PENDING_REASON, stageOnceVerified } from "./password-change-step";
import { portalUrl } from "../notify/portal-url";
import { methodModeOf, type SignInChoice } from "./sign-in-choices";
import { clearPasswordFailures, minutesUntil, recordPasswordFailure, passwordThrottleState, signInLockedMessage } from "./password-throttle";
import { PENDING_SIGN_IN_MINUTES, newSignInHandle } from "../auth/pending-sign-in";
import { createSignInRecord, resourceFor, type ClientInfo, type SignInResource } from "../audit/sign-in-log";

/** The one message for unknown UPN, disabled account and wrong password (A2). */
export const BAD_CREDENTIALS_MESSAGE = "Your account or password is incorrect. Check both and try again.";

/** What a RADIUS user with a temporary password is told (the VPN shows it as the Reply-Message). */
export function temporaryPasswordMessage(): string {
  return `Your password is temporary and must be changed first. Sign in at ${portalUrl("/")} to set a new password, then connect again with it.`;
}

export const ADMIN_CONSOLE_NEEDS_METHOD_MESSAGE =
  "The admin console requires a second sign-in method. Sign in to Security info, add a hardware token or authenticator app, then come back.";
export const NEEDS_METHOD_MESSAGE =
  "Your organisation requires a second sign-in method here, and you don't have one yet. Contact your helpdesk: they can give you a hardware token or a Temporary Access Pass so you can register one.";

export type { SignInChoice };

export type PasswordStepResult =
  | { outcome: "failed"; message: string }
  | { outcome: "mfaRequired"; handle: string; methods: SignInChoice[]; defaultMethodId: string; lockedUntil: Date | null }
  | { outcome: "complete"; handle: string };

/**
 * First factor: checks the password (argon2id, decoy hash for unknown users so timing matches)
 * under the sign-in throttle (password-throttle.ts), writes the sign-in record, and opens the
 * server-side pending sign-in that the code step or the session redeems. Conditional Access decides: a block refuses, an enforced require-MFA
 * policy (and the admin console, always) needs a usable method; otherwise MFA is still asked
 * when the user holds a usable method. Every policy's result is stored on the sign-in.
 */
export async function checkPasswordStep(options: {
  db: Database;
  upn: string;
  password: string;
  callbackUrl: string;
  client: ClientInfo;
  now?: Date;
  /**
   * Another protocol's application instead of a portal page (a RADIUS client): the Conditional
   * Access resource it is, the name the sign-in log shows, and the stage its pending sign-in waits
   * in — never "mfaRequired", so the web code step can't continue it, and MFA is always required.
   */
  application?: { resource: ConditionalAccessResource; name: string; pendingStage: string };
  /**
   * The OpenID Connect application this portal sign-in is on its way to (resolved on the server
   * from the interaction it returns to): its Conditional Access requirements are asked here too, so
   * a strength it needs is met now — a passkey after the password, or the registration interrupt.
   */
  toApplication?: { clientId: string; name: string };
}): Promise<PasswordStepResult> {
  const { db, client } = options;
  const now = options.now ?? new Date();
  const upn = normaliseUpn(options.upn);
  const resource = options.application?.name ?? resourceFor(options.callbackUrl);
  // The sign-in throttle first: while locked no password is checked (nor hashed), so the right
  // one is refused like any other, for a real account and an unknown UPN alike.
  const throttle = { db, upn, ipAddress: client.ipAddress, now };
  const [user, { lockedUntil: passwordLockedUntil, counted }] = await Promise.all([
    db.user.findUnique({ where: { upn }, omit: { passwordHash: false } }),
    passwordThrottleState(throttle),
  ]);
  if (passwordLockedUntil) {
    await createSignInRecord({
      db, upn, userId: user?.id ?? null, resource, client, status: "failure", failureReason: "Sign-in locked after too many wrong passwords",
      firstStep: { method: "Password", requirement: "primary", resultDetail: "Not checked: sign-in locked", succeeded: false },
    });
    return { outcome: "failed", message: signInLockedMessage(minutesUntil(passwordLockedUntil, now)) };
  }
  const passwordOk = await verifyPassword({ passwordHash: user?.passwordHash ?? null, password: options.password });

  const failureReason = !user ? "User account not found" : !user.enabled ? "User account is disabled" : !passwordOk ? "Invalid password" : null;
  if (!user || failureReason) {
    await recordPasswordFailure(throttle);
    await createSignInRecord({
      db, upn, userId: user?.id ?? null, resource, client, status: "failure", failureReason: failureReason ?? undefined,
      firstStep: { method: "Password", requirement: "primary", resultDetail: failureReason ?? "", succeeded: false },
    });
    return { outcome: "failed", message: BAD_CREDENTIALS_MESSAGE };
  }
  if (counted) await clearPasswordFailures(throttle);

  const portalResource = options.application?.resource ?? (resource as SignInResource);
  const [{ methods }, decisions, temporaryAccessPass, passkey] = await Promise.all([
    listMfaMethods({ db, userId: user.id }),
    options.toApplication
      ? evaluateConditionalAccessOnTheWayTo({ db, userId: user.id, resource: portalResource, application: applicationResource(options.toApplication.clientId) })
      : evaluateConditionalAccessForUser({ db, userId: user.id, resource: portalResource }).then((portal) => ({ portal, combined: portal })),
    temporaryAccessPassSignInChoice({ db, userId: user.id, now }),
    hasUsablePasskey({ db, userId: user.id }),
  ]);
  // The user's own methods come first, default first; a Temporary Access Pass answers MFA too but
  // is never the default — it is asked for first only by a user who holds nothing else.
  // Passkeys answer as one choice; first when the user made "passkey" their default.
  const passkeyChoice: SignInChoice[] = passkey ? [{ methodId: PASSKEY_METHOD_ID, prompt: "Use a passkey", type: "Passkey" }] : [];
  const codeChoices = methods.map(({ methodId, prompt, type }): SignInChoice => ({ methodId, prompt, type }));
  const ownChoices = user.defaultMethod === PASSKEY_METHOD_ID ? [...passkeyChoice, ...codeChoices] : [...codeChoices, ...passkeyChoice];
  const heldChoices: SignInChoice[] = [...ownChoices, ...(temporaryAccessPass ? [temporaryAccessPass] : [])];
  let mayRegisterPasskey: Promise<boolean> | undefined;
  /** The second step a decision asks of this user: the strengths, and the choices that meet them (or lead to the registration interrupt). */
  const secondStepFor = async (strengths: AuthenticationStrength[]) => {
    // An authentication strength narrows the second step to the methods that, after the password,
    // meet every strength required (phishing-resistant: only a passkey; a pass never for passwordless).
    const strengthChoices = heldChoices.filter((choice) => methodCompletesStrengths({ strengths, completed: ["password"], method: methodModeOf(choice.type) }));
    // None of them does, but the person may register a passkey: Entra's registration interrupt —
    // MFA with a code method they hold first, then the passkey registration, then the passkey.
    const registrationInterrupt = strengths.length > 0 && !options.application && strengthChoices.length === 0 && (await (mayRegisterPasskey ??= mayRegisterPasskeyAtSignIn({ db, userId: user.id })));
    const choices = registrationInterrupt
      ? ownChoices.filter((choice) => methodCompletesStrengths({ strengths: ["mfa"], completed: ["password"], method: methodModeOf(choice.type) }))
      : strengthChoices;
    return { strengths, choices };
  };
  let decision = decisions.combined;
  let { strengths, choices } = await secondStepFor(decision.requiredStrengths);
  // On the way to an application whose strength nothing this person holds or may register can
  // meet: the sign-in is the portal's alone, and the application's entry refuses with what to
  // register (oidc-server.ts) — rather than refusing the portal sign-in for the application's sake.
  if (decision !== decisions.portal && choices.length === 0 && (strengths.length > 0 || decision.outcome === "requireMfa")) {
    decision = decisions.portal;
    ({ strengths, choices } = await secondStepFor(decision.requiredStrengths));
  }
  const firstChoice = choices[0] ?? null;
  const passwordStep = { method: "Password", requirement: "primary", resultDetail: "Correct password", succeeded: true } as const;
  // The record, its first step and every policy's result commit together.
  const record = (outcome: { status: "success" | "failure" | "interrupted"; failureReason?: string; mfa: MfaProgress }) =>
    db.$transaction(async (tx) => {
      const signInId = await createSignInRecord({ db: tx, upn, userId: user.id, resource, client, status: outcome.status, failureReason: outcome.failureReason, firstStep: passwordStep });
      await recordSignInPolicyResults({ db: tx, signInId, results: policyResultsFor(decision, outcome.mfa, ["password"]) });
      return signInId;
    });

  if (decision.outcome === "block") {
    await record({ status: "failure", failureReason: `Blocked by Conditional Access policy ${decision.blockedBy.join(", ")}`, mfa: "blocked" });
    return { outcome: "failed", message: blockedMessage(resource) };
  }
  // Another protocol (RADIUS) can't carry the password change that follows a temporary password:
  // like Entra behind the NPS extension, the request is refused and the user told to set a new
  // password in the portal first. Only after the password was right, so it tells nobody else anything.
  if (options.application && user.mustChangePassword) {
    await record({ status: "failure", failureReason: `${PASSWORD_CHANGE_PENDING_REASON}; ${resource} can't change it`, mfa: "pending" });
    return { outcome: "failed", message: temporaryPasswordMessage() };
  }
  // RADIUS carries a password and a typed code, never a passkey: a strength that a password and an
  // OATH code can't meet refuses the VPN sign-in, with the reason in the log.
  const radiusUnmet = options.application ? unmetStrengths({ strengths, methods: ["password", "hardwareOath"] }) : [];
  if (radiusUnmet.length) {
    const by = decision.strengthRequiredBy.filter((s) => radiusUnmet.includes(s.strength)).map((s) => s.policyName);
    const label = AUTHENTICATION_STRENGTH_LABELS[strictestStrength(radiusUnmet)!];
    await record({ status: "failure", failureReason: `Conditional Access policy ${by.join(", ")} requires authentication strength ${label}, which a RADIUS sign-in can't satisfy (no passkeys over RADIUS)`, mfa: "noUsableMethod" });
    return { outcome: "failed", message: `${resource} can't be used with ${label}: your organisation requires a passkey, which a VPN sign-in can't use. Contact your helpdesk.` };
  }
  // A user who holds methods, none of which meets the strength, and whom the passkey policy
  // doesn't let register one at sign-in: refused with what to do.
  if (strengths.length && heldChoices.length && !firstChoice) {
    const unmet = strictestStrength(unmetStrengths({ strengths, methods: ["password"] }))!;
    const by = decision.strengthRequiredBy.filter((s) => s.strength === unmet).map((s) => s.policyName);
    await record({ status: "failure", failureReason: `Conditional Access policy ${by.join(", ")} requires authentication strength ${AUTHENTICATION_STRENGTH_LABELS[unmet]} and the user has no method that satisfies it`, mfa: "noUsableMethod" });
    return { outcome: "failed", message: strengthNeedsMethodMessage({ strength: unmet, resource }) };
  }
  // MFA is mandatory when an enforced policy (or the admin console's own rule) says so; a user
  // who can't answer it is stopped here rather than let in single-factor.
  if ((decision.outcome === "requireMfa" || options.application) && !firstChoice) {
    const reason = decision.mfaRequiredBy.length
      ? `Conditional Access policy ${decision.mfaRequiredBy.join(", ")} requires multi-factor authentication and the user has no usable method`
      : `${options.application ? resource : "The admin console"} requires multi-factor authentication and the user has no usable method`;
    await record({ status: "failure", failureReason: reason, mfa: "noUsableMethod" });
    return { outcome: "failed", message: resource === "Admin console" ? ADMIN_CONSOLE_NEEDS_METHOD_MESSAGE : NEEDS_METHOD_MESSAGE };
  }

  // Without a mandatory requirement MFA is still asked of everyone who holds a usable method.
  const mfaRequired = firstChoice !== null;
  // Without MFA to ask, a temporary password is still replaced before the session (Entra's order).
  const verified = stageOnceVerified(user.mustChangePassword);
  const signInId = await record(
    mfaRequired
      ? { status: "interrupted", failureReason: "Multi-factor authentication not completed yet", mfa: "pending" }
      : { status: verified.status, failureReason: verified.failureReason ?? undefined, mfa: "pending" },
  );
  const { handle, handleHash } = newSignInHandle();
  await db.pendingSignIn.create({
    data: {
      handleHash,
      userId: user.id,
      signInId,
      stage: mfaRequired ? (options.application?.pendingStage ?? "mfaRequired") : verified.stage,
      // On the way to an application the interrupt and the pages name it (the session is still the
      // portal's: redeemSignInHandle opens it for Security info, which this sign-in was evaluated for).
      resource: options.toApplication?.name ?? resource,
      callbackUrl: options.callbackUrl,
      authMethods: "password",
      requiredStrengths: formatStrengths(strengths),
      expiresAt: new Date(now.getTime() + PENDING_SIGN_IN_MINUTES * 60_000),
    },
  });
  if (!firstChoice) return { outcome: "complete", handle };
  const lockedUntil = user.mfaLockedUntil && user.mfaLockedUntil > now ? user.mfaLockedUntil : null;
  return {
    outcome: "mfaRequired",
    handle,
    methods: choices,
    defaultMethodId: firstChoice.methodId,
    lockedUntil,
  };
}
