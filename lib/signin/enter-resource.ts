import { addSessionResource, type OpenUserSession } from "../auth/user-session";
import type { DatabaseOrTransaction, Database } from "../db/client";
import { createSignInRecord, type ClientInfo, type SignInResource } from "../audit/sign-in-log";
import { policyResultsFor } from "../conditional-access/policy-results";
import { recordSignInPolicyResults } from "../conditional-access/sign-in-policy-results";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import { unmetStrengths } from "../conditional-access/authentication-strength";

export type ResourceEntry =
  | { outcome: "allowed" }
  | { outcome: "blocked"; message: string }
  | { outcome: "mfaRequired" };

/** The words of a Conditional Access block, for a portal resource or a RADIUS client by name. */
export function blockedMessage(resource: string): string {
  return `Your organisation's Conditional Access policy blocks you from signing in to ${resource}. Contact your helpdesk if you think this is wrong.`;
}

/**
 * A session entering a resource its sign-in wasn't evaluated for (signed in to Security info,
 * then opening the admin console): Conditional Access is evaluated for that resource now, as a
 * new sign-in would be. A block refuses; a required MFA the session hasn't done sends the user
 * to sign in again; otherwise the session may use the resource from now on. Every evaluation
 * is a row of the sign-in log with its policies' results; a resource already evaluated for this
 * session costs nothing (A7).
 */
export async function enterResource(options: {
  db: Database;
  session: OpenUserSession;
  upn: string;
  resource: SignInResource;
  client: ClientInfo;
}): Promise<ResourceEntry> {
  const { db, session, resource } = options;
  if (session.resources.includes(resource)) return { outcome: "allowed" };
  const decision = await evaluateConditionalAccessForUser({ db, userId: session.userId, resource });
  const mfaDone = session.mfaAt !== null;
  // A required authentication strength is checked against the methods the session completed.
  const strengthUnmet = unmetStrengths({ strengths: decision.requiredStrengths, methods: session.authMethods }).length > 0;
  const entry: ResourceEntry =
    decision.outcome === "block"
      ? { outcome: "blocked", message: blockedMessage(resource) }
      : decision.outcome === "requireMfa" && (!mfaDone || strengthUnmet)
        ? { outcome: "mfaRequired" }
        : { outcome: "allowed" };
  await db.$transaction(async (tx: DatabaseOrTransaction) => {
    const signInId = await createSignInRecord({
      db: tx,
      upn: options.upn,
      userId: session.userId,
      resource,
      client: options.client,
      status: entry.outcome === "allowed" ? "success" : entry.outcome === "blocked" ? "failure" : "interrupted",
      failureReason:
        entry.outcome === "blocked"
          ? `Blocked by Conditional Access policy ${decision.blockedBy.join(", ")}`
          : entry.outcome === "mfaRequired"
            ? mfaDone
              ? "The authentication strength this resource requires isn't met by the session's methods"
              : "Multi-factor authentication required for this resource; the session has none"
            : undefined,
      firstStep: { method: "Previously satisfied", requirement: "primary", resultDetail: "Existing session", succeeded: true },
    });
    await recordSignInPolicyResults({
      db: tx,
      signInId,
      results: policyResultsFor(decision, entry.outcome === "blocked" ? "blocked" : mfaDone ? "satisfied" : "pending", session.authMethods),
    });
    if (entry.outcome === "allowed") await addSessionResource({ db: tx, session, resource });
  });
  return entry;
}
