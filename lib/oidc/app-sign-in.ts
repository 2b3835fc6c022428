import type { PortalSession } from "../server/portal-session-cookie";
import { applicationResource } from "../conditional-access/policy-model";
import { policyResultsFor } from "../conditional-access/policy-results";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import { strengthNeedsMethodMessage, strictestStrength, unmetStrengths, type AuthenticationStrength } from "../conditional-access/authentication-strength";
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
  /** strength: the required authentication strength the session's methods don't meet, if that is what's missing */
  | { outcome: "mfaRequired"; strength?: AuthenticationStrength; message?: string };

/** acr values: a sign-in with a password only, or with a second factor too. */
export const ACR_SINGLE_FACTOR = "urn:portal:acr:1fa";
export const ACR_MULTI_FACTOR = "urn:portal:acr:mfa";

/**
 * Authentication Method References (RFC 8176) of a portal session: a password, then — when the
 * session completed MFA — a one-time code (hardware token, authenticator app, email or Temporary
 * Access Pass are all codes typed in) and "mfa".
 */
export function sessionAmr(session: Pick<PortalSession, "mfaAt">): string[] {
  return session.mfaAt ? ["pwd", "otp", "mfa"] : ["pwd"];
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
  const entry: ApplicationEntry = !assigned
    ? { outcome: "notAssigned", message: `Your account isn't assigned to ${application.name}. Ask your administrator for access.` }
    : decision?.outcome === "block"
      ? { outcome: "blocked", message: `Your organisation's Conditional Access policy blocks you from signing in to ${application.name}. Contact your helpdesk if you think this is wrong.` }
      : decision?.outcome === "requireMfa" && (!mfaDone || strengthUnmet)
        ? unmetStrength && unmetStrength !== "mfa"
          ? { outcome: "mfaRequired", strength: unmetStrength, message: `${strengthNeedsMethodMessage({ strength: unmetStrength, resource: application.name })} If you have one, sign in with "Sign in with a passkey".` }
          : { outcome: "mfaRequired" }
        : { outcome: "allowed", amr: sessionAmr(session), acr: mfaDone ? ACR_MULTI_FACTOR : ACR_SINGLE_FACTOR };
  const failureReason =
    entry.outcome === "notAssigned"
      ? "The user is not assigned to the application"
      : entry.outcome === "blocked"
        ? `Blocked by Conditional Access policy ${decision?.blockedBy.join(", ")}`
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
      status: entry.outcome === "allowed" ? "success" : entry.outcome === "mfaRequired" ? "interrupted" : "failure",
      failureReason,
      firstStep: { method: "Previously satisfied", requirement: mfaDone ? "mfa" : "primary", resultDetail: `Existing session (${sessionAmr(session).join(", ")})`, succeeded: true },
    });
    if (mfaDone) await tx.signIn.update({ where: { id: signInId }, data: { authRequirement: "multiFactor" } });
    if (decision) {
      await recordSignInPolicyResults({
        db: tx,
        signInId,
        results: policyResultsFor(decision, entry.outcome === "blocked" ? "blocked" : mfaDone ? "satisfied" : "pending", session.authMethods),
      });
    }
  });
  return entry;
}
