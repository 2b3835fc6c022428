import type { DatabaseOrTransaction } from "../db/client";
import { emailCodeAddress } from "../methods/email-one-time-code";
import type { OathCredentialRef } from "../otp/oath-credential";
import { methodsAllowedForUser } from "../policies/methods-policy";
import { ssprEnabledFor, ssprMethodsRequiredFor, type SsprMethod, type SsprPolicy } from "./sspr-policy-model";

/** Where a user stands with password reset: in scope or not, what they must prove and what they hold. */
export type SsprStanding = {
  user: { id: string; upn: string; enabled: boolean; roles: string[]; ssprConfirmedAt: Date | null } | null;
  inScope: boolean;
  methodsRequired: number;
  /** counted method types the user can answer with now (allowed by the methods policy too) */
  held: SsprMethod[];
  /** the user's usable credentials per OATH method type, for the code engine */
  credentials: { hardwareOath: OathCredentialRef[]; softwareOath: OathCredentialRef[] };
};

/** No user has this id: lookups for an unknown UPN run the same queries and find nothing (R1). */
const NO_USER_ID = "no-such-user";

/**
 * Reads a user's password reset standing by UPN or id. For an unknown UPN every query still runs
 * (against an id no row has), so an unknown account costs the same database work as a known one.
 */
export async function loadSsprStanding(options: { db: DatabaseOrTransaction; policy: SsprPolicy } & ({ upn: string } | { userId: string })): Promise<SsprStanding> {
  const { db, policy } = options;
  const row = await db.user.findUnique({
    where: "upn" in options ? { upn: options.upn } : { id: options.userId },
    select: { id: true, upn: true, enabled: true, ssprConfirmedAt: true, roles: { select: { role: true } }, groups: { select: { groupId: true } } },
  });
  const userId = row?.id ?? NO_USER_ID;
  const [{ allowed }, tokens, apps, email] = await Promise.all([
    methodsAllowedForUser({ db, userId }),
    db.hardwareToken.findMany({ where: { userId, status: "activated" }, select: { id: true }, orderBy: { activatedAt: "asc" } }),
    db.authenticatorApp.findMany({ where: { userId, status: "active" }, select: { id: true }, orderBy: { createdAt: "asc" } }),
    emailCodeAddress({ db, userId, purpose: "passwordReset" }),
  ]);
  const credentials = {
    hardwareOath: allowed.has("hardwareOath") ? tokens.map((t) => ({ kind: "hardwareToken" as const, id: t.id })) : [],
    softwareOath: allowed.has("softwareOath") ? apps.map((a) => ({ kind: "authenticatorApp" as const, id: a.id })) : [],
  };
  const holds: Record<SsprMethod, boolean> = {
    hardwareOath: credentials.hardwareOath.length > 0,
    softwareOath: credentials.softwareOath.length > 0,
    email: email !== null,
  };
  const roles = row?.roles.map((r) => r.role) ?? [];
  return {
    user: row ? { id: row.id, upn: row.upn, enabled: row.enabled, roles, ssprConfirmedAt: row.ssprConfirmedAt } : null,
    inScope: ssprEnabledFor(policy, row?.groups.map((g) => g.groupId) ?? []),
    methodsRequired: ssprMethodsRequiredFor(policy, roles),
    held: policy.methods.filter((method) => holds[method]),
    credentials,
  };
}

/** Why a user can't reset their own password, for the audit log only (never shown: R1). */
export function ssprIneligibility(standing: SsprStanding): string | null {
  if (!standing.user) return "User account not found";
  if (!standing.user.enabled) return "User account is disabled";
  if (!standing.inScope) return "User not enabled for password reset";
  if (standing.held.length < standing.methodsRequired) {
    return `User has ${standing.held.length} of the ${standing.methodsRequired} methods required`;
  }
  return null;
}
