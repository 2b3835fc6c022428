import type { PortalSession } from "../server/portal-session-cookie";
import { applicationResource } from "../conditional-access/policy-model";
import { policyResultsFor, type MfaProgress, type PolicyResultRow } from "../conditional-access/policy-results";
import type { ConditionalAccessDecision } from "../conditional-access/evaluate-policies";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import { AUTHENTICATION_STRENGTH_LABELS, strictestStrength, unmetStrengths, type AuthenticationMethodMode, type AuthenticationStrength } from "../conditional-access/authentication-strength";
import { passkeyStrengthPath, passkeyStrengthRefusalMessage } from "../signin/passkey-registration-interrupt";
import { recordSignInPolicyResults } from "../conditional-access/sign-in-policy-results";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { createSignInRecord, type ClientInfo } from "../audit/sign-in-log";
import { userMayUseApplication } from "./applications";

/** The sign-in log's client app for an application signing in through the portal. */
export const OIDC_CLIENT_APP = "OpenID Connect";

export type ApplicationEntry =
  | { outcome: "allowed"; amr: string[]; acr: string }
  | { outcome: "blocked"; message: string }
  | { outcome: "notAssigned"; message: string }
  /**
   * strength: the required authentication strength the session's methods don't meet, if that is
   * what's missing; stepUp: whether a new sign-in can meet it (a passkey held, or the registration
   * interrupt) — when not, message says what to register.
   */
  | { outcome: "mfaRequired"; strength?: AuthenticationStrength; stepUp: boolean; message?: string };

/** acr values: a sign-in with a password only, or with a second factor too. */
export const ACR_SINGLE_FACTOR = "urn:portal:acr:1fa";
export const ACR_MULTI_FACTOR = "urn:portal:acr:mfa";

/**
 * Authentication Method References (RFC 8176) of a portal session: those of the sign-in that
 * opened it (lib/signin/authentication-method-references.ts: pwd, otp, hwk/swk, user, mfa). A
 * session that later completed MFA by a step-up (a code entered in the session) adds `otp` and
 * `mfa`; a session from before the references were kept reads as password (+ code when it did MFA).
 */
export function sessionAmr(session: Pick<PortalSession, "mfaAt" | "amr">): string[] {
  const amr = session.amr.length ? [...session.amr] : ["pwd"];
  if (session.mfaAt && !amr.includes("mfa")) {
    if (!amr.some((value) => value === "otp" || value === "hwk" || value === "swk")) amr.push("otp");
    amr.push("mfa");
  }
  return amr;
}

/** The policies' lines of an application's entry; a strength nothing can meet reads so on its own lines (the MFA ones keep their progress). */
function applicationPolicyResults(decision: ConditionalAccessDecision, mfa: MfaProgress, cannotMeet: boolean, methods: readonly AuthenticationMethodMode[]): PolicyResultRow[] {
  const results = policyResultsFor(decision, mfa, methods);
  if (!cannotMeet) return results;
  const unmeetable = policyResultsFor(decision, "noUsableMethod", methods);
  return results.map((row, i) => (row.authenticationStrength ? unmeetable[i] : row));
}

/**
 * Whether the application still admits the person its code or tokens were issued to: still
 * assigned (when it requires assignment) and not blocked by a Conditional Access policy for it.
 * The sign-in decided both once; an app redeeming a code, refreshing or calling userinfo later is
 * asked again, as Entra does at every token issuance — or an unassigned or blocked person would keep
 * refreshing for as long as the portal session lives. Nothing is logged: no one is signing in.
 */
export async function applicationStillAdmits(options: { db: Database; clientId: string; userId: string }): Promise<boolean> {
  const { db, clientId, userId } = options;
  if (!(await userMayUseApplication({ db, clientId, userId }))) return false;
  const decision = await evaluateConditionalAccessForUser({ db, userId, resource: applicationResource(clientId) });
  return decision.outcome !== "block";
}

/**
 * An application sign-in by a signed-in person: assignment first (an app with "assignment
 * required" admits only assigned users and members of assigned groups), then Conditional Access
 * for this application exactly as for the portal's resources — block refuses, require MFA needs a
 * session that did MFA, report-only is recorded only. Every app sign-in is one row of the sign-in
 * log with the application, its policies' results and the session's authentication.
 */
export async function enterApplication(options: {
  db: Database;
  session: PortalSession;
  application: { clientId: string; name: string };
  client: ClientInfo;
}): Promise<ApplicationEntry> {
  const { db, session, application } = options;
  const assigned = await userMayUseApplication({ db, clientId: application.clientId, userId: session.userId });
  const decision = assigned ? await evaluateConditionalAccessForUser({ db, userId: session.userId, resource: applicationResource(application.clientId) }) : null;
  const mfaDone = session.mfaAt !== null;
  // The same authentication strengths as the portal's resources, against the session's methods.
  const unmetStrength = decision ? strictestStrength(unmetStrengths({ strengths: decision.requiredStrengths, methods: session.authMethods })) : null;
  const strengthUnmet = unmetStrength !== null;
  // A passkey strength the session doesn't meet: a new sign-in steps up to it when the person holds
  // a passkey or may register one on the way (the sign-in then asks for the application's strength);
  // otherwise the application refuses with what to register.
  const passkeyPath = unmetStrength && unmetStrength !== "mfa" && decision?.outcome === "requireMfa" ? await passkeyStrengthPath({ db, userId: session.userId }) : null;
  const entry: ApplicationEntry = !assigned
    ? { outcome: "notAssigned", message: `Your account isn't assigned to ${application.name}. Ask your administrator for access.` }
    : decision?.outcome === "block"
      ? { outcome: "blocked", message: `Your organisation's Conditional Access policy blocks you from signing in to ${application.name}. Contact your helpdesk if you think this is wrong.` }
      : decision?.outcome === "requireMfa" && (!mfaDone || strengthUnmet)
        ? unmetStrength && passkeyPath
          ? passkeyPath.path === "none"
            ? { outcome: "mfaRequired", strength: unmetStrength, stepUp: false, message: passkeyStrengthRefusalMessage({ strength: unmetStrength, resource: application.name, mayRegister: passkeyPath.mayRegister }) }
            : { outcome: "mfaRequired", strength: unmetStrength, stepUp: true, message: `You need a passkey to sign in to ${application.name}: your organisation requires ${AUTHENTICATION_STRENGTH_LABELS[unmetStrength]} there. Go back to the application and sign in again with your passkey.` }
          : { outcome: "mfaRequired", stepUp: true }
        : { outcome: "allowed", amr: sessionAmr(session), acr: mfaDone ? ACR_MULTI_FACTOR : ACR_SINGLE_FACTOR };
  const cannotMeet = entry.outcome === "mfaRequired" && !entry.stepUp;
  const failureReason =
    entry.outcome === "notAssigned"
      ? "The user is not assigned to the application"
      : entry.outcome === "blocked"
        ? `Blocked by Conditional Access policy ${decision?.blockedBy.join(", ")}`
        : cannotMeet
          ? `The authentication strength this application requires isn't met by the session's methods, and the user has no passkey${passkeyPath?.path === "none" && !passkeyPath.mayRegister ? " and may not register one" : " nor a method to register one with"}`
          : entry.outcome === "mfaRequired"
            ? mfaDone
              ? "The authentication strength this application requires isn't met by the session's methods"
              : "Multi-factor authentication required for this application; the session has none"
            : undefined;
  await db.$transaction(async (tx: DatabaseOrTransaction) => {
    const signInId = await createSignInRecord({
      db: tx,
      upn: session.upn,
      userId: session.userId,
      resource: application.name,
      clientApp: OIDC_CLIENT_APP,
      client: options.client,
      status: entry.outcome === "allowed" ? "success" : entry.outcome === "mfaRequired" && !cannotMeet ? "interrupted" : "failure",
      failureReason,
      firstStep: { method: "Previously satisfied", requirement: mfaDone ? "mfa" : "primary", resultDetail: `Existing session (${sessionAmr(session).join(", ")})`, succeeded: true },
    });
    await tx.signIn.update({ where: { id: signInId }, data: { applicationClientId: application.clientId, ...(mfaDone ? { authRequirement: "multiFactor" } : {}) } });
    if (decision) {
      await recordSignInPolicyResults({
        db: tx,
        signInId,
        results: applicationPolicyResults(decision, entry.outcome === "blocked" ? "blocked" : mfaDone ? "satisfied" : "pending", cannotMeet, session.authMethods),
      });
    }
  });
  return entry;
}
