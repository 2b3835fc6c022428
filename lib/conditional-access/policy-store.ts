import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { isAuthenticationStrength } from "./authentication-strength";
import { evaluateConditionalAccess, withApplicationRequirements, type ConditionalAccessDecision } from "./evaluate-policies";
import {
  formatResourceTargets, isPolicyGrant, isPolicyState, parseResourceTargets,
  type ApplicationResource, type ConditionalAccessPolicyRules, type ConditionalAccessResource,
} from "./policy-model";

/** A policy as the admin pages show it: its rules plus the names of its groups. */
export type ConditionalAccessPolicyView = ConditionalAccessPolicyRules & {
  includeGroups: { id: string; name: string }[];
  excludeGroups: { id: string; name: string }[];
  updatedAt: Date;
};

const withGroups = { groups: { include: { group: { select: { id: true, name: true } } } } } as const;

type StoredPolicy = {
  id: string; name: string; state: string; includeAllUsers: boolean; resources: string; grant: string; authenticationStrength: string | null; updatedAt: Date;
  groups: { kind: string; group: { id: string; name: string } }[];
};

function toView(policy: StoredPolicy): ConditionalAccessPolicyView {
  const groupsOf = (kind: string) => policy.groups.filter((g) => g.kind === kind).map((g) => g.group).sort((a, b) => a.name.localeCompare(b.name));
  const includeGroups = groupsOf("include");
  const excludeGroups = groupsOf("exclude");
  return {
    id: policy.id,
    name: policy.name,
    // A value the code doesn't know is treated as the safest reading: off / require MFA.
    state: isPolicyState(policy.state) ? policy.state : "off",
    grant: isPolicyGrant(policy.grant) ? policy.grant : "requireMfa",
    // A strength the code doesn't know reads as the strictest one.
    authenticationStrength: policy.grant === "requireAuthenticationStrength" ? (isAuthenticationStrength(policy.authenticationStrength) ? policy.authenticationStrength : "phishingResistantMfa") : null,
    includeAllUsers: policy.includeAllUsers,
    includeGroupIds: includeGroups.map((g) => g.id),
    excludeGroupIds: excludeGroups.map((g) => g.id),
    ...parseResourceTargets(policy.resources),
    includeGroups,
    excludeGroups,
    updatedAt: policy.updatedAt,
  };
}

/** Every policy, by name (the order sign-in records list them in). */
export async function listConditionalAccessPolicies(options: { db: DatabaseOrTransaction }): Promise<ConditionalAccessPolicyView[]> {
  const policies = await options.db.conditionalAccessPolicy.findMany({ orderBy: { name: "asc" }, include: withGroups });
  return policies.map(toView);
}

export async function getConditionalAccessPolicy(options: { db: DatabaseOrTransaction; policyId: string }): Promise<ConditionalAccessPolicyView | null> {
  const policy = await options.db.conditionalAccessPolicy.findUnique({ where: { id: options.policyId }, include: withGroups });
  return policy ? toView(policy) : null;
}

/** Loads the policies and the user's groups, and evaluates them for one resource. */
export async function evaluateConditionalAccessForUser(options: {
  db: DatabaseOrTransaction;
  userId: string;
  resource: ConditionalAccessResource;
}): Promise<ConditionalAccessDecision> {
  const [policies, memberships] = await Promise.all([
    listConditionalAccessPolicies({ db: options.db }),
    options.db.groupMember.findMany({ where: { userId: options.userId }, select: { groupId: true } }),
  ]);
  return evaluateConditionalAccess({ policies, subject: { groupIds: memberships.map((m) => m.groupId) }, resource: options.resource });
}

/**
 * A portal sign-in on the way to an application: the portal resource's decision alone, and the
 * same with the application's requirements added (withApplicationRequirements), from one reading
 * of the policies so both list them alike.
 */
export async function evaluateConditionalAccessOnTheWayTo(options: {
  db: DatabaseOrTransaction;
  userId: string;
  resource: ConditionalAccessResource;
  application: ApplicationResource;
}): Promise<{ portal: ConditionalAccessDecision; combined: ConditionalAccessDecision }> {
  const [policies, memberships] = await Promise.all([
    listConditionalAccessPolicies({ db: options.db }),
    options.db.groupMember.findMany({ where: { userId: options.userId }, select: { groupId: true } }),
  ]);
  const subject = { groupIds: memberships.map((m) => m.groupId) };
  const portal = evaluateConditionalAccess({ policies, subject, resource: options.resource });
  const application = evaluateConditionalAccess({ policies, subject, resource: options.application });
  return { portal, combined: withApplicationRequirements(portal, application) };
}

export type ConditionalAccessPolicyInput = Omit<ConditionalAccessPolicyRules, "id">;

export type PolicyChangeResult = { ok: true; policyId: string } | { ok: false; reason: string };

function refusalFor(input: ConditionalAccessPolicyInput): string | null {
  if (!input.resources.length) return "Choose at least one resource the policy applies to.";
  if (input.excludeResources?.some((r) => input.resources.includes(r))) return "A resource can't be both included and excluded.";
  if (!input.includeAllUsers && !input.includeGroupIds.length) return "Choose All users or at least one group to include.";
  if (input.includeGroupIds.some((id) => input.excludeGroupIds.includes(id))) return "A group can't be both included and excluded.";
  if (input.grant === "requireAuthenticationStrength" && !isAuthenticationStrength(input.authenticationStrength)) return "Choose the authentication strength the policy requires.";
  return null;
}

/**
 * Creates a policy (no policyId) or replaces one's settings, with its audit event in the same
 * transaction. Refuses a duplicate name, unknown groups and a policy that could apply to no one.
 */
export async function saveConditionalAccessPolicy(options: {
  db: Database;
  policyId?: string;
  input: ConditionalAccessPolicyInput;
  actor: AuditActor;
}): Promise<PolicyChangeResult> {
  const { db, input, actor } = options;
  const refusal = refusalFor(input);
  if (refusal) return { ok: false, reason: refusal };
  return db.$transaction(async (tx): Promise<PolicyChangeResult> => {
    const sameName = await tx.conditionalAccessPolicy.findUnique({ where: { name: input.name }, select: { id: true } });
    if (sameName && sameName.id !== options.policyId) return { ok: false, reason: `A policy named "${input.name}" already exists. Choose another name.` };
    const groupIds = [...new Set([...input.includeGroupIds, ...input.excludeGroupIds])];
    const found = await tx.group.count({ where: { id: { in: groupIds } } });
    if (found !== groupIds.length) return { ok: false, reason: "One of the chosen groups no longer exists. Reload the page and choose again." };

    const data = { name: input.name, state: input.state, includeAllUsers: input.includeAllUsers, resources: formatResourceTargets(input.resources, input.excludeResources ?? []), grant: input.grant,
      authenticationStrength: input.grant === "requireAuthenticationStrength" ? (input.authenticationStrength ?? null) : null,
    };
    let policyId = options.policyId;
    if (policyId) {
      const updated = await tx.conditionalAccessPolicy.updateMany({ where: { id: policyId }, data });
      if (updated.count !== 1) return { ok: false, reason: "This policy no longer exists." };
      await tx.conditionalAccessPolicyGroup.deleteMany({ where: { policyId } });
    } else {
      policyId = (await tx.conditionalAccessPolicy.create({ data, select: { id: true } })).id;
    }
    const links = [
      ...(input.includeAllUsers ? [] : input.includeGroupIds.map((groupId) => ({ policyId: policyId!, groupId, kind: "include" }))),
      ...input.excludeGroupIds.map((groupId) => ({ policyId: policyId!, groupId, kind: "exclude" })),
    ];
    if (links.length) await tx.conditionalAccessPolicyGroup.createMany({ data: links });
    await writeAuditEvent({
      db: tx,
      actor,
      action: options.policyId ? "Update conditional access policy" : "Add conditional access policy",
      target: { type: "conditionalAccessPolicy", id: policyId, label: input.name },
      details: {
        state: input.state, grant: input.grant, authenticationStrength: data.authenticationStrength, resources: data.resources, includeAllUsers: input.includeAllUsers,
        includeGroups: input.includeGroupIds.length, excludeGroups: input.excludeGroupIds.length,
      },
    });
    return { ok: true, policyId };
  });
}

export async function deleteConditionalAccessPolicy(options: { db: Database; policyId: string; actor: AuditActor }): Promise<PolicyChangeResult> {
  return options.db.$transaction(async (tx): Promise<PolicyChangeResult> => {
    const policy = await tx.conditionalAccessPolicy.findUnique({ where: { id: options.policyId }, select: { id: true, name: true } });
    if (!policy) return { ok: false, reason: "This policy no longer exists." };
    await tx.conditionalAccessPolicy.delete({ where: { id: policy.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Delete conditional access policy", target: { type: "conditionalAccessPolicy", id: policy.id, label: policy.name } });
    return { ok: true, policyId: policy.id };
  });
}
