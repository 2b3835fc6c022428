import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction, Transaction } from "../db/client";
import { normaliseUpn } from "../users/create-user";
import type { DirectoryAdmin, DirectoryResult } from "./user-action";

// Groups are only ever changed by users.manage holders (Global Administrators); the actions check
// that. Members are what the methods policy, SSPR and Conditional Access target.

export const GROUP_NOT_FOUND = "This group no longer exists. Go back to the group list.";

export async function listGroups(options: { db: DatabaseOrTransaction }) {
  const rows = await options.db.group.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, description: true, createdAt: true, _count: { select: { members: true } } } });
  return rows.map(({ _count, ...group }) => ({ ...group, memberCount: _count.members }));
}

export async function getGroup(options: { db: DatabaseOrTransaction; groupId: string }) {
  const group = await options.db.group.findUnique({
    where: { id: options.groupId },
    select: { id: true, name: true, description: true, createdAt: true, members: { select: { user: { select: { id: true, upn: true, displayName: true } } } } },
  });
  if (!group) return null;
  return { ...group, members: group.members.map((m) => m.user).sort((a, b) => a.upn.localeCompare(b.upn)) };
}

const nameTaken = (name: string) => `A group named ${name} already exists. Choose another name.`;
const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/** Group names are unique as people read them: "Sales" and "sales " are the same group. */
async function nameInUse(db: DatabaseOrTransaction, name: string, exceptId?: string) {
  const groups = await db.group.findMany({ select: { id: true, name: true } });
  return groups.some((g) => g.id !== exceptId && g.name.toLowerCase() === name.toLowerCase());
}

export async function createGroup(options: { db: Database; name: string; description?: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ groupId: string }>> {
  const name = options.name.trim();
  try {
    return await options.db.$transaction(async (tx) => {
      if (await nameInUse(tx, name)) return { ok: false as const, reason: nameTaken(name) };
      const group = await tx.group.create({ data: { name, description: options.description?.trim() ?? "" } });
      await writeAuditEvent({ db: tx, actor: options.actor, action: "Add group", target: { type: "group", id: group.id, label: name } });
      return { ok: true as const, groupId: group.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: nameTaken(name) };
    throw error;
  }
}

/** Loads the group in the transaction and hands it to `work`; a missing group is a clear error. */
function runGroupAction<Success extends object>(
  options: { db: Database; groupId: string },
  work: (tx: Transaction, group: { id: string; name: string }) => Promise<DirectoryResult<Success>>,
): Promise<DirectoryResult<Success>> {
  return options.db.$transaction(async (tx) => {
    const group = await tx.group.findUnique({ where: { id: options.groupId }, select: { id: true, name: true } });
    if (!group) return { ok: false as const, reason: GROUP_NOT_FOUND };
    return work(tx, group);
  });
}

const groupTarget = (group: { id: string; name: string }) => ({ type: "group", id: group.id, label: group.name });

export async function renameGroup(options: { db: Database; groupId: string; name: string; description?: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ name: string }>> {
  const name = options.name.trim();
  try {
    return await runGroupAction<{ name: string }>(options, async (tx, group) => {
      if (await nameInUse(tx, name, group.id)) return { ok: false as const, reason: nameTaken(name) };
      await tx.group.update({ where: { id: group.id }, data: { name, ...(options.description === undefined ? {} : { description: options.description.trim() }) } });
      await writeAuditEvent({ db: tx, actor: options.actor, action: "Update group", target: groupTarget({ id: group.id, name }), details: { previousName: group.name } });
      return { ok: true as const, name };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: nameTaken(name) };
    throw error;
  }
}

/** Deletes the group and its memberships (the users stay). */
export function deleteGroup(options: { db: Database; groupId: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ name: string }>> {
  return runGroupAction<{ name: string }>(options, async (tx, group) => {
    const members = await tx.groupMember.count({ where: { groupId: group.id } });
    await tx.group.delete({ where: { id: group.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Delete group", target: groupTarget(group), details: { members } });
    return { ok: true as const, name: group.name };
  });
}

export function addGroupMember(options: { db: Database; groupId: string; upn: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ upn: string }>> {
  const upn = normaliseUpn(options.upn);
  return runGroupAction<{ upn: string }>(options, async (tx, group) => {
    const user = await tx.user.findUnique({ where: { upn }, select: { id: true } });
    if (!user) return { ok: false as const, reason: `No user has the UPN ${upn}. Check the spelling (e.g. alice@contoso.example).` };
    const existing = await tx.groupMember.findUnique({ where: { groupId_userId: { groupId: group.id, userId: user.id } } });
    if (existing) return { ok: false as const, reason: `${upn} is already a member of ${group.name}.` };
    await tx.groupMember.create({ data: { groupId: group.id, userId: user.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Add member to group", target: groupTarget(group), details: { member: upn } });
    return { ok: true as const, upn };
  });
}

export function removeGroupMember(options: { db: Database; groupId: string; userId: string; actor: DirectoryAdmin }): Promise<DirectoryResult<{ upn: string }>> {
  return runGroupAction<{ upn: string }>(options, async (tx, group) => {
    const membership = await tx.groupMember.findUnique({ where: { groupId_userId: { groupId: group.id, userId: options.userId } }, select: { user: { select: { upn: true } } } });
    if (!membership) return { ok: false as const, reason: `That user is no longer a member of ${group.name}. Reload the page.` };
    await tx.groupMember.delete({ where: { groupId_userId: { groupId: group.id, userId: options.userId } } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Remove member from group", target: groupTarget(group), details: { member: membership.user.upn } });
    return { ok: true as const, upn: membership.user.upn };
  });
}
