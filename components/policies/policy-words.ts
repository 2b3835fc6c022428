import { POLICY_GRANT_LABELS, POLICY_STATE_LABELS, type PolicyGrant, type PolicyState } from "@/lib/conditional-access/policy-model";
import { AUTHENTICATION_STRENGTH_LABELS, type AuthenticationStrength } from "@/lib/conditional-access/authentication-strength";

export const stateLabel = (state: PolicyState) => POLICY_STATE_LABELS[state];
/** "Require authentication strength: Phishing-resistant MFA", or the grant's own label. */
export const grantLabel = (grant: PolicyGrant, strength?: AuthenticationStrength | null) =>
  grant === "requireAuthenticationStrength" && strength ? `${POLICY_GRANT_LABELS[grant]}: ${AUTHENTICATION_STRENGTH_LABELS[strength]}` : POLICY_GRANT_LABELS[grant];

/** "All users", "Staff", "All users except Contractors", … as the policy list shows who is in scope. */
export function usersSummary(policy: { includeAllUsers: boolean; includeGroups: { name: string }[]; excludeGroups: { name: string }[] }): string {
  const included = policy.includeAllUsers ? "All users" : policy.includeGroups.map((g) => g.name).join(", ") || "No one";
  return policy.excludeGroups.length ? `${included} except ${policy.excludeGroups.map((g) => g.name).join(", ")}` : included;
}
