import { writeAuditEvent } from "../audit/write-audit-event";
import { isRole, ROLES, type Role } from "../auth/permissions";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { normaliseUpn } from "../users/create-user";
import type { DirectoryAdmin, DirectoryResult } from "./user-action";

/** Each built-in role with the users holding it, in the permission table's order. */
export async function listRoleAssignments(options: { db: DatabaseOrTransaction }) {
  const rows = await options.db.roleAssignment.findMany({
    select: { role: true, createdAt: true, user: { select: { id: true, upn: true, displayName: true } } },
    orderBy: { createdAt: "asc" },
  });
  return ROLES.map((role) => ({ role, members: rows.filter((row) => row.role === role).map((row) => ({ ...row.user, assignedAt: row.createdAt })) }));
}

/**
 * Gives a user a built-in role. It takes effect on their next request: the DAL re-reads roles
 * from the database every time, so no session needs to end.
 */
export async function assignRole(options: { db: Database; upn: string; role: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ upn: string; role: Role }>> {
  const { role } = options;
  if (!isRole(role)) return { ok: false, reason: "Choose one of the built-in roles." };
  const upn = normaliseUpn(options.upn);
  return options.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { upn }, select: { id: true, roles: { where: { role }, select: { id: true } } } });
    if (!user) return { ok: false as const, reason: `No user has the UPN ${upn}. Check the spelling (e.g. alice@contoso.example).` };
    if (user.roles.length) return { ok: false as const, reason: `${upn} already holds ${role}.` };
    await tx.roleAssignment.create({ data: { userId: user.id, role } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Add member to role", target: { type: "user", id: user.id, label: upn }, details: { role } });
    return { ok: true as const, upn, role };
  });
}

/**
 * Takes a role away, at once. The last Global Administrator stays: without one nobody could
 * assign roles again.
 */
export async function removeRole(options: { db: Database; userId: string; role: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ upn: string; role: Role }>> {
  const { role } = options;
  if (!isRole(role)) return { ok: false, reason: "Choose one of the built-in roles." };
  return options.db.$transaction(async (tx) => {
    const assignment = await tx.roleAssignment.findUnique({ where: { userId_role: { userId: options.userId, role } }, select: { id: true, user: { select: { upn: true } } } });
    if (!assignment) return { ok: false as const, reason: `That user no longer holds ${role}. Reload the page.` };
    const target = { type: "user", id: options.userId, label: assignment.user.upn };
    if (role === "Global Administrator" && (await tx.roleAssignment.count({ where: { role } })) === 1) {
      const reason = "This is the last Global Administrator. Assign the role to someone else first.";
      await writeAuditEvent({ db: tx, actor: options.actor, action: "Remove member from role", target, result: "failure", details: { role, reason } });
      return { ok: false as const, reason };
    }
    // Conditional on the row still existing: two admins removing at once can't both succeed.
    const removed = await tx.roleAssignment.deleteMany({ where: { id: assignment.id } });
    if (removed.count !== 1) return { ok: false as const, reason: `That user no longer holds ${role}. Reload the page.` };
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Remove member from role", target, details: { role } });
    return { ok: true as const, upn: assignment.user.upn, role };
  });
}
