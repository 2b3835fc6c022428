import { policyResultsFor } from "../conditional-access/policy-results";
import { radiusClientResource } from "../conditional-access/policy-model";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import { AUTHENTICATION_STRENGTH_LABELS, strictestStrength, unmetStrengths } from "../conditional-access/authentication-strength";
import { markSignInMfaSatisfied, recordSignInPolicyResults } from "../conditional-access/sign-in-policy-results";
import type { Database } from "../db/client";
import { listUsableOathCredentials } from "../methods/authentication-methods";
import { CodeCheckFailure, verifyOathCodeForAnyMethod, type CodeCheckResult } from "../otp/verify-oath-code";
import { RESULT_DETAIL } from "../signin/code-step";
import { blockedMessage } from "../signin/enter-resource";
import { BAD_CREDENTIALS_MESSAGE, checkPasswordStep } from "../signin/password-step";
import { hashSignInHandle } from "../auth/pending-sign-in";
import { addSignInStep, createSignInRecord, type ClientInfo, type SignInStepInput } from "../audit/sign-in-log";
import { normaliseUpn } from "../users/create-user";
import type { RadiusClientConfig } from "./radius-clients";
import type { AccessRequest, RequestLayout, ResponseAttribute, ResponseCode } from "./radius-packet";

/** The challenge's prompt, as the NPS extension words it for hardware tokens. */
export const CODE_PROMPT = "Enter the code from your hardware token";
/** A State answers one challenge, within two minutes, on any instance (it lives in the database). */
export const CHALLENGE_MINUTES = 2;
/** The pending sign-in stage of a RADIUS challenge: the web code step never continues it. */
export const RADIUS_CHALLENGE_STAGE = "radiusChallenge";

export const PAP_ONLY_MESSAGE =
  "This server accepts PAP only: CHAP and MS-CHAP can't carry a one-time code. Set the VPN's RADIUS authentication to PAP (the shared secret and Message-Authenticator protect it).";
const NO_PASSWORD_MESSAGE = "The request has no User-Password. Send the password (or the code) as PAP User-Password.";
const NO_USER_MESSAGE = "The request has no User-Name. Send the user's UPN as User-Name.";
const CHALLENGE_EXPIRED_MESSAGE = "Your sign-in timed out or the code was already entered for it. Sign in again.";
const NO_OATH_METHOD_MESSAGE =
  "VPN sign-in needs a hardware token or authenticator app, and you have none. Contact your helpdesk to get one.";
const WRONG_CODE_MESSAGE = "That code didn't work. Check the code shown on your device now and try again.";

export type RadiusAnswer = { code: ResponseCode; attributes: ResponseAttribute[] };

const reject = (message: string): RadiusAnswer => ({ code: "Access-Reject", attributes: [["Reply-Message", message]] });

/**
 * Answers one authenticated Access-Request from a registered client with the sign-in engine:
 * the password step (throttling, Conditional Access with the client as its resource, the
 * sign-in log), then the code through the same code check as web sign-in — default method
 * first, replay refused, lockout shared, drift learned. Every request ends as a sign-in log row
 * (application = the client's name, client app "RADIUS", the NAS's address).
 */
export async function answerAccessRequest(options: {
  db: Database;
  client: RadiusClientConfig;
  layout: RequestLayout;
  request: AccessRequest;
  /** the datagram's source address: the NAS */
  source: string;
  now?: Date;
}): Promise<RadiusAnswer> {
  const { db, client, request } = options;
  const now = options.now ?? new Date();
  const info: ClientInfo = {
    ipAddress: options.source,
    clientApp: "RADIUS",
    userAgent: ["RADIUS", request.nasIdentifier && `NAS ${request.nasIdentifier}`, request.callingStationId && `calling station ${request.callingStationId}`]
      .filter(Boolean)
      .join(" · "),
  };
  const upn = normaliseUpn(request.userName ?? "");
  const logRefusal = async (reason: string, method: SignInStepInput["method"] = "Password") => {
    await createSignInRecord({
      db, upn, userId: null, resource: client.name, client: info, status: "failure", failureReason: reason,
      firstStep: { method, requirement: "primary", resultDetail: reason, succeeded: false },
    });
  };

  if (options.layout.authentication === "chap" || options.layout.authentication === "msChap") {
    await logRefusal(`${options.layout.authentication === "chap" ? "CHAP" : "MS-CHAP"} refused: PAP only`);
    return reject(PAP_ONLY_MESSAGE);
  }
  if (!request.userName) {
    await logRefusal("No User-Name in the request");
    return reject(NO_USER_MESSAGE);
  }
  if (request.password === null) {
    await logRefusal("No User-Password in the request");
    return reject(NO_PASSWORD_MESSAGE);
  }

  if (client.style === "codeOnly") return answerCodeOnly({ db, client, upn, code: request.password, info, now });
  if (request.state) return answerChallengeResponse({ db, client, upn, state: request.state, code: request.password, now });

  const passwordStep = await checkPasswordStep({
    db, upn, password: request.password, callbackUrl: "/", client: info, now,
    application: { resource: radiusClientResource(client.id), name: client.name, pendingStage: RADIUS_CHALLENGE_STAGE },
  });
  if (passwordStep.outcome === "failed") return reject(passwordStep.message);
  if (passwordStep.outcome === "complete") return reject(BAD_CREDENTIALS_MESSAGE); // the application option always asks for MFA

  // The challenge lives two minutes (not the web's five) and names the client it belongs to.
  const handleHash = hashSignInHandle(passwordStep.handle);
  const pending = await db.pendingSignIn.update({
    where: { handleHash },
    data: { expiresAt: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000), callbackUrl: `radius:${client.id}` },
    select: { id: true, userId: true, signInId: true, user: { select: { defaultMethod: true } } },
  });
  const credentials = await listUsableOathCredentials({ db, user: { id: pending.userId, defaultMethod: pending.user.defaultMethod } });
  if (credentials.length === 0) {
    // An email code or a Temporary Access Pass can't be asked for over RADIUS.
    await db.pendingSignIn.update({ where: { id: pending.id }, data: { consumedAt: now } });
    await addSignInStep({
      db, signInId: pending.signInId, status: "failure", failureReason: "No hardware token or authenticator app for RADIUS",
      step: { method: "OATH verification code", requirement: "mfa", resultDetail: "Method not usable", succeeded: false },
    });
    return reject(NO_OATH_METHOD_MESSAGE);
  }
  return {
    code: "Access-Challenge",
    attributes: [["Reply-Message", CODE_PROMPT], ["State", Buffer.from(passwordStep.handle, "utf8")]],
  };
}

/** The second round: the State claims its pending sign-in once, then the code decides. */
async function answerChallengeResponse(options: { db: Database; client: RadiusClientConfig; upn: string; state: Buffer; code: string; now: Date }): Promise<RadiusAnswer> {
  const { db, client, now } = options;
  const handleHash = hashSignInHandle(options.state.toString("utf8"));
  // Single use: the conditional update lets exactly one request — on any instance — continue.
  const claimed = await db.pendingSignIn.updateMany({
    where: { handleHash, stage: RADIUS_CHALLENGE_STAGE, callbackUrl: `radius:${client.id}`, consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  const pending = claimed.count === 1
    ? await db.pendingSignIn.findUnique({ where: { handleHash }, select: { signInId: true, user: { select: { id: true, upn: true, enabled: true, defaultMethod: true, mfaLockedUntil: true } } } })
    : null;
  if (!pending) return reject(CHALLENGE_EXPIRED_MESSAGE);
  const { user } = pending;
  const step = { method: "OATH verification code", requirement: "mfa" } as const;
  if (user.upn !== options.upn || !user.enabled) {
    await addSignInStep({ db, signInId: pending.signInId, status: "failure", failureReason: "The challenge answer named another or a disabled user", step: { ...step, resultDetail: "Challenge answer refused", succeeded: false } });
    return reject(CHALLENGE_EXPIRED_MESSAGE);
  }
  const result = await checkCode({ db, user, code: options.code, now });
  if (!result.ok) {
    await addSignInStep({ db, signInId: pending.signInId, status: "failure", failureReason: RESULT_DETAIL[result.failure], step: { ...step, detail: result.label, resultDetail: RESULT_DETAIL[result.failure], succeeded: false } });
    return reject(result.message);
  }
  await db.$transaction(async (tx) => {
    await addSignInStep({ db: tx, signInId: pending.signInId, status: "success", failureReason: null, authRequirement: "multiFactor", step: { ...step, detail: result.label, resultDetail: "MFA completed with a verification code", succeeded: true } });
    // Hardware token or authenticator app: the two count alike in every authentication strength.
    await markSignInMfaSatisfied({ db: tx, signInId: pending.signInId, methods: ["password", "hardwareOath"] });
  });
  return accept({ db, client, userId: user.id });
}

/** The code alone as User-Password: the device checked the password; Conditional Access still applies. */
async function answerCodeOnly(options: { db: Database; client: RadiusClientConfig; upn: string; code: string; info: ClientInfo; now: Date }): Promise<RadiusAnswer> {
  const { db, client, upn, info, now } = options;
  const user = await db.user.findUnique({ where: { upn }, select: { id: true, upn: true, enabled: true, defaultMethod: true, mfaLockedUntil: true } });
  const firstStep = (resultDetail: string, succeeded: boolean, detail?: string): SignInStepInput => ({ method: "OATH verification code", detail, requirement: "mfa", resultDetail, succeeded });
  if (!user || !user.enabled) {
    const reason = !user ? "User account not found" : "User account is disabled";
    await createSignInRecord({ db, upn, userId: user?.id ?? null, resource: client.name, client: info, status: "failure", failureReason: reason, firstStep: firstStep(reason, false) });
    // The same words as a wrong code: the answer never tells whether an account exists.
    return reject(WRONG_CODE_MESSAGE);
  }
  const decision = await evaluateConditionalAccessForUser({ db, userId: user.id, resource: radiusClientResource(client.id) });
  if (decision.outcome === "block") {
    await db.$transaction(async (tx) => {
      const signInId = await createSignInRecord({
        db: tx, upn, userId: user.id, resource: client.name, client: info, status: "failure",
        failureReason: `Blocked by Conditional Access policy ${decision.blockedBy.join(", ")}`, firstStep: firstStep("Not checked: blocked by Conditional Access", false),
      });
      await recordSignInPolicyResults({ db: tx, signInId, results: policyResultsFor(decision, "blocked") });
    });
    return reject(blockedMessage(client.name));
  }
  // The device checked the password; a code is all RADIUS adds. A strength that needs a passkey can't be met here.
  const unmet = strictestStrength(unmetStrengths({ strengths: decision.requiredStrengths, methods: ["password", "hardwareOath"] }));
  if (unmet) {
    const by = decision.strengthRequiredBy.filter((s) => s.strength === unmet).map((s) => s.policyName);
    const label = AUTHENTICATION_STRENGTH_LABELS[unmet];
    await db.$transaction(async (tx) => {
      const signInId = await createSignInRecord({
        db: tx, upn, userId: user.id, resource: client.name, client: info, status: "failure",
        failureReason: `Conditional Access policy ${by.join(", ")} requires authentication strength ${label}, which a RADIUS sign-in can't satisfy (no passkeys over RADIUS)`,
        firstStep: firstStep("Not checked: the required authentication strength needs a passkey", false),
      });
      await recordSignInPolicyResults({ db: tx, signInId, results: policyResultsFor(decision, "noUsableMethod", ["password"]) });
    });
    return reject(`${client.name} can't be used with ${label}: your organisation requires a passkey, which a VPN sign-in can't use. Contact your helpdesk.`);
  }
  const result = await checkCode({ db, user, code: options.code, now });
  await db.$transaction(async (tx) => {
    const signInId = await createSignInRecord({
      db: tx, upn, userId: user.id, resource: client.name, client: info, status: result.ok ? "success" : "failure",
      failureReason: result.ok ? undefined : RESULT_DETAIL[result.failure],
      firstStep: firstStep(result.ok ? "MFA completed with a verification code" : RESULT_DETAIL[result.failure], result.ok, result.label),
    });
    if (result.ok) await tx.signIn.update({ where: { id: signInId }, data: { authRequirement: "multiFactor" } });
    await recordSignInPolicyResults({ db: tx, signInId, results: policyResultsFor(decision, result.ok ? "satisfied" : "pending", result.ok ? ["password", "hardwareOath"] : ["password"]) });
  });
  if (!result.ok) return reject(result.message);
  return accept({ db, client, userId: user.id });
}

/** The code engine over the user's usable token and app codes, default first (one failure counted per wrong code). */
async function checkCode(options: { db: Database; user: { id: string; upn: string; defaultMethod: string | null; mfaLockedUntil: Date | null }; code: string; now: Date }): Promise<CodeCheckResult> {
  const { db, user, now } = options;
  const credentials = await listUsableOathCredentials({ db, user });
  if (credentials.length === 0) return { ok: false, failure: CodeCheckFailure.NotUsable, message: NO_OATH_METHOD_MESSAGE };
  return verifyOathCodeForAnyMethod({ db, userId: user.id, credentials, code: options.code, now, user });
}

/** Access-Accept with the client's configured attributes: a Filter-Id for each mapped group the user is in. */
async function accept(options: { db: Database; client: RadiusClientConfig; userId: string }): Promise<RadiusAnswer> {
  const attributes: ResponseAttribute[] = [];
  if (options.client.filterIds.length) {
    const memberships = await options.db.groupMember.findMany({ where: { userId: options.userId }, select: { groupId: true } });
    const groupIds = new Set(memberships.map((m) => m.groupId));
    for (const mapping of options.client.filterIds) if (groupIds.has(mapping.groupId)) attributes.push(["Filter-Id", mapping.filterId]);
  }
  return { code: "Access-Accept", attributes: [["Reply-Message", "Signed in."], ...attributes] };
}
