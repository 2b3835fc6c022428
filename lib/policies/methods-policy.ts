import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { rawDriverOf, readRawBoolean } from "../db/raw-driver";
import {
  METHOD_POLICY_DEFAULTS, POLICY_METHODS, POLICY_METHOD_LABELS, methodEnabledFor, methodEnabledForMember, methodSettingsSchemas,
  type MethodPolicy, type MethodSettings, type PolicyMethod,
} from "./method-policy-model";

export type AuthenticationMethodsPolicy = { [M in PolicyMethod]: MethodPolicy<M> };

/** Stored settings are parsed against the method's schema; anything unreadable falls back to the default. */
function settingsOf<M extends PolicyMethod>(method: M, stored: string | undefined): MethodSettings[M] {
  const defaults = METHOD_POLICY_DEFAULTS[method].settings;
  if (!stored) return defaults;
  try {
    const parsed = methodSettingsSchemas[method].safeParse({ ...defaults, ...JSON.parse(stored) });
    return parsed.success ? (parsed.data as MethodSettings[M]) : defaults;
  } catch {
    return defaults;
  }
}

/** The effective policy of every method (saved rows, defaults for the rest). */
export async function getAuthenticationMethodsPolicy(options: { db: DatabaseOrTransaction }): Promise<AuthenticationMethodsPolicy> {
  const rows = await options.db.authenticationMethodPolicy.findMany({ include: { groups: { include: { group: { select: { id: true, name: true } } } } } });
  const policy = {} as Record<PolicyMethod, MethodPolicy>;
  for (const method of POLICY_METHODS) {
    const row = rows.find((r) => r.method === method);
    policy[method] = {
      method,
      enabled: row?.enabled ?? METHOD_POLICY_DEFAULTS[method].enabled,
      includeAllUsers: row?.includeAllUsers ?? true,
      groups: (row?.groups ?? []).map((g) => g.group).sort((a, b) => a.name.localeCompare(b.name)),
      settings: settingsOf(method, row?.settings),
    };
  }
  return policy as AuthenticationMethodsPolicy;
}

/** The methods this user may use and add now, with the policy they were read from. */
export async function methodsAllowedForUser(options: { db: DatabaseOrTransaction; userId: string }): Promise<{
  allowed: Set<PolicyMethod>;
  policy: AuthenticationMethodsPolicy;
}> {
  const [policy, memberships] = await Promise.all([
    getAuthenticationMethodsPolicy({ db: options.db }),
    options.db.groupMember.findMany({ where: { userId: options.userId }, select: { groupId: true } }),
  ]);
  const groupIds = memberships.map((m) => m.groupId);
  return { allowed: new Set(POLICY_METHODS.filter((method) => methodEnabledFor(policy[method], groupIds))), policy };
}

/**
 * Only which methods this user may use (sign-in, the verification API), in ONE statement: the
 * policy rows, each with the number of its groups the user is a member of (a counted subquery) —
 * instead of the full policy with group names plus a membership query (four statements).
 */
export async function allowedMethodsForUser(options: { db: DatabaseOrTransaction; userId: string }): Promise<Set<PolicyMethod>> {
  const raw = rawDriverOf(options.db);
  const rows = raw
    ? (
        await raw.query<{ method: string; enabled: unknown; includeAllUsers: unknown; memberOf: unknown }>(
          `SELECT p."method", p."enabled", p."includeAllUsers", (SELECT COUNT(*) FROM "AuthenticationMethodPolicyGroup" g JOIN "GroupMember" m ON m."groupId" = g."groupId" WHERE g."method" = p."method" AND m."userId" = ?) AS "memberOf" FROM "AuthenticationMethodPolicy" p`,
          [options.userId],
        )
      ).map((row) => ({ method: row.method, enabled: readRawBoolean(row.enabled), includeAllUsers: readRawBoolean(row.includeAllUsers), _count: { groups: Number(row.memberOf) } }))
    : await policyRowsWithMembership(options);
  const allowed = new Set<PolicyMethod>();
  for (const method of POLICY_METHODS) {
    const row = rows.find((r) => r.method === method);
    const policy = { enabled: row?.enabled ?? METHOD_POLICY_DEFAULTS[method].enabled, includeAllUsers: row?.includeAllUsers ?? true };
    if (methodEnabledForMember(policy, (row?._count.groups ?? 0) > 0)) allowed.add(method);
  }
  return allowed;
}

function policyRowsWithMembership(options: { db: DatabaseOrTransaction; userId: string }) {
  return options.db.authenticationMethodPolicy.findMany({
    select: {
      method: true,
      enabled: true,
      includeAllUsers: true,
      _count: { select: { groups: { where: { group: { members: { some: { userId: options.userId } } } } } } },
    },
  });
}

/** The message Security info shows when the policy doesn't let the user add or use a method. */
export function methodDisabledMessage(method: PolicyMethod): string {
  return `Your organisation's authentication methods policy doesn't let you use ${POLICY_METHOD_LABELS[method]}. Ask your helpdesk if you need it.`;
}

export type SaveMethodPolicyResult = { ok: true } | { ok: false; reason: string };

/** Saves one method's policy with its audit event in the same transaction. */
export async function saveMethodPolicy<M extends PolicyMethod>(options: {
  db: Database;
  method: M;
  enabled: boolean;
  includeAllUsers: boolean;
  groupIds: string[];
  settings: MethodSettings[M];
  actor: AuditActor;
}): Promise<SaveMethodPolicyResult> {
  const { db, method } = options;
  if (options.enabled && !options.includeAllUsers && !options.groupIds.length) return { ok: false, reason: "Choose All users or at least one group." };
  const groupIds = options.includeAllUsers ? [] : [...new Set(options.groupIds)];
  const settings = JSON.stringify(options.settings);
  return db.$transaction(async (tx): Promise<SaveMethodPolicyResult> => {
    if ((await tx.group.count({ where: { id: { in: groupIds } } })) !== groupIds.length) {
      return { ok: false, reason: "One of the chosen groups no longer exists. Reload the page and choose again." };
    }
    const data = { enabled: options.enabled, includeAllUsers: options.includeAllUsers, settings };
    await tx.authenticationMethodPolicy.upsert({ where: { method }, create: { method, ...data }, update: data });
    await tx.authenticationMethodPolicyGroup.deleteMany({ where: { method } });
    if (groupIds.length) await tx.authenticationMethodPolicyGroup.createMany({ data: groupIds.map((groupId) => ({ method, groupId })) });
    await writeAuditEvent({
      db: tx,
      actor: options.actor,
      action: "Update authentication methods policy",
      target: { type: "authenticationMethodPolicy", id: method, label: POLICY_METHOD_LABELS[method] },
      details: { enabled: options.enabled, includeAllUsers: options.includeAllUsers, groups: groupIds.length, settings },
    });
    return { ok: true };
  });
}
