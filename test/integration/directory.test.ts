import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Role } from "../../lib/auth/permissions";
import { verifyPassword } from "../../lib/auth/password";
import { encryptSecret } from "../../lib/crypto/secret-box";
import { getDb } from "../../lib/db/client";
import { addGroupMember, createGroup, deleteGroup, getGroup, removeGroupMember, renameGroup } from "../../lib/directory/groups";
import { assignRole, listRoleAssignments, removeRole } from "../../lib/directory/role-assignments";
import type { DirectoryAdmin } from "../../lib/directory/user-action";
import {
  createDirectoryUser, deleteUserMethod, getUserDetails, listUsers, requireMfaReregistration, resetUserPassword, revokeSessionsAsAdmin, setUserEnabled, USERS_PAGE_SIZE,
} from "../../lib/directory/users";
import { makeToken, makeUser, unique } from "../support/factories";

const db = getDb();
const stored = (id: string) => db.user.findUniqueOrThrow({ where: { id }, omit: { passwordHash: false } });
const lastAudit = (action: string, targetId: string) => db.auditEvent.findFirstOrThrow({ where: { action, targetId }, orderBy: { createdAt: "desc" } });

async function makeAdmin(role: Role = "Global Administrator"): Promise<DirectoryAdmin> {
  const user = await makeUser({ roles: [role] });
  return { id: user.id, upn: user.upn, roles: [role], ipAddress: "198.51.100.7" };
}

async function addApp(userId: string) {
  return db.authenticatorApp.create({ data: { userId, name: unique("app"), encryptedSecret: encryptSecret(crypto.randomBytes(20)), status: "active" } });
}

describe("users", () => {
  it("creates a user with a generated password they must change, shown once and never audited", async () => {
    const admin = await makeAdmin();
    const upn = `${unique("new")}@Contoso.example`;
    const created = await createDirectoryUser({ db, upn: ` ${upn} `, displayName: " New Person ", actor: admin });
    if (!created.ok) throw new Error(created.reason);
    expect(created.upn).toBe(upn.toLowerCase());
    expect(created.temporaryPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    const user = await stored(created.userId);
    expect(user).toMatchObject({ displayName: "New Person", mustChangePassword: true, enabled: true });
    expect(await verifyPassword({ passwordHash: user.passwordHash, password: created.temporaryPassword })).toBe(true);
    const audit = await lastAudit("Add user", created.userId);
    expect(audit).toMatchObject({ actorId: admin.id, result: "success" });
    expect(JSON.stringify(audit)).not.toContain(created.temporaryPassword);

    const again = await createDirectoryUser({ db, upn: upn.toUpperCase(), displayName: "Twin", actor: admin });
    expect(again).toEqual({ ok: false, reason: `A user with the UPN ${upn.toLowerCase()} already exists.` });
  });

  it("searches by UPN or display name and pages by UPN", async () => {
    const tag = unique("find");
    for (let i = 0; i < USERS_PAGE_SIZE + 2; i++) await makeUser({ upn: `${tag}-${String(i).padStart(2, "0")}@contoso.example` });
    const first = await listUsers({ db, search: tag.toUpperCase() });
    expect(first).toMatchObject({ total: USERS_PAGE_SIZE + 2, page: 1, pageCount: 2 });
    expect(first.users[0].upn).toBe(`${tag}-00@contoso.example`);
    const second = await listUsers({ db, search: tag, page: 99 });
    expect(second.page).toBe(2);
    expect(second.users.map((u) => u.upn)).toEqual([`${tag}-${USERS_PAGE_SIZE}@contoso.example`, `${tag}-${USERS_PAGE_SIZE + 1}@contoso.example`]);
    expect((await listUsers({ db, search: "Test User" })).total).toBeGreaterThan(0);
  });

  it("disables (ending sessions) and enables an account; an admin can't disable themself", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const before = await stored(user.id);
    expect(await setUserEnabled({ db, userId: user.id, enabled: false, actor: admin })).toEqual({ ok: true, upn: user.upn });
    expect(await stored(user.id)).toMatchObject({ enabled: false, sessionVersion: before.sessionVersion + 1 });
    expect(await setUserEnabled({ db, userId: user.id, enabled: true, actor: admin })).toEqual({ ok: true, upn: user.upn });
    expect((await stored(user.id)).enabled).toBe(true);
    expect(await setUserEnabled({ db, userId: admin.id!, enabled: false, actor: admin })).toEqual({ ok: false, reason: "You can't disable your own account." });
    expect(await lastAudit("Disable account", admin.id!)).toMatchObject({ result: "failure" });
    expect(await setUserEnabled({ db, userId: "missing", enabled: false, actor: admin })).toMatchObject({ ok: false });
  });

  it("resets a password: the new one works, the old one doesn't, sessions end, must change", async () => {
    const admin = await makeAdmin("Helpdesk Administrator");
    const user = await makeUser();
    const before = await stored(user.id);
    const reset = await resetUserPassword({ db, userId: user.id, actor: admin });
    if (!reset.ok) throw new Error(reset.reason);
    const after = await stored(user.id);
    expect(after).toMatchObject({ mustChangePassword: true, sessionVersion: before.sessionVersion + 1 });
    expect(await verifyPassword({ passwordHash: after.passwordHash, password: reset.temporaryPassword })).toBe(true);
    expect(await verifyPassword({ passwordHash: after.passwordHash, password: user.password })).toBe(false);
    expect(JSON.stringify(await lastAudit("Reset password", user.id))).not.toContain(reset.temporaryPassword);
  });

  it("Helpdesk and Authentication Administrators act on non-admins only; privileged roles on anyone", async () => {
    const target = await makeUser({ roles: ["Security Reader"] });
    for (const role of ["Helpdesk Administrator", "Authentication Administrator"] as const) {
      const admin = await makeAdmin(role);
      const before = await stored(target.id);
      const result = await resetUserPassword({ db, userId: target.id, actor: admin });
      expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("holds an admin role") });
      expect(await revokeSessionsAsAdmin({ db, userId: target.id, actor: admin })).toMatchObject({ ok: false });
      const after = await stored(target.id);
      expect(after.passwordHash).toBe(before.passwordHash);
      expect(after.sessionVersion).toBe(before.sessionVersion);
    }
    expect(await lastAudit("Revoke sessions", target.id)).toMatchObject({ result: "failure" });
    const privileged = await makeAdmin("Privileged Authentication Administrator");
    expect(await revokeSessionsAsAdmin({ db, userId: target.id, actor: privileged })).toEqual({ ok: true, upn: target.upn });
    expect(await resetUserPassword({ db, userId: target.id, actor: privileged })).toMatchObject({ ok: true });
  });

  it("require re-register MFA removes every method: tokens back to the inventory, apps deleted", async () => {
    const admin = await makeAdmin("Authentication Administrator");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id });
    await addApp(user.id);
    expect((await getUserDetails({ db, userId: user.id }))!.methods.map((m) => [m.type, m.isDefault])).toEqual([["Hardware token", true], ["Authenticator app", false]]);
    expect(await requireMfaReregistration({ db, userId: user.id, actor: admin })).toEqual({ ok: true, upn: user.upn, removed: 2 });
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "available", userId: null, lastUsedStep: -1 });
    expect(await db.authenticatorApp.count({ where: { userId: user.id } })).toBe(0);
    expect((await getUserDetails({ db, userId: user.id }))!.methods).toEqual([]);
    expect(await lastAudit("Require re-register MFA", user.id)).toMatchObject({ actorId: admin.id, result: "success" });
  });

  it("deletes one method of the user, never another user's", async () => {
    const admin = await makeAdmin();
    const alice = await makeUser();
    const bob = await makeUser();
    const bobsApp = await addApp(bob.id);
    const alicesToken = await makeToken({ userId: alice.id });
    const refused = await deleteUserMethod({ db, userId: alice.id, methodId: `authenticatorApp:${bobsApp.id}`, actor: admin });
    expect(refused).toMatchObject({ ok: false });
    expect(await db.authenticatorApp.count({ where: { id: bobsApp.id } })).toBe(1);
    expect(await deleteUserMethod({ db, userId: alice.id, methodId: "nonsense", actor: admin })).toMatchObject({ ok: false });
    const done = await deleteUserMethod({ db, userId: alice.id, methodId: `hardwareToken:${alicesToken.id}`, actor: admin });
    expect(done).toEqual({ ok: true, upn: alice.upn, label: `Hardware token ${alicesToken.serialNumber}` });
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: alicesToken.id } })).userId).toBeNull();
  });
});

describe("groups", () => {
  it("creates, renames, adds and removes members, and deletes a group, audited; names are unique", async () => {
    const admin = await makeAdmin();
    const name = unique("Sales ");
    const created = await createGroup({ db, name: ` ${name} `, description: "All sales staff", actor: admin });
    if (!created.ok) throw new Error(created.reason);
    expect(await createGroup({ db, name: name.toUpperCase(), actor: admin })).toMatchObject({ ok: false, reason: expect.stringContaining("already exists") });

    const member = await makeUser();
    expect(await addGroupMember({ db, groupId: created.groupId, upn: member.upn.toUpperCase(), actor: admin })).toEqual({ ok: true, upn: member.upn });
    expect(await addGroupMember({ db, groupId: created.groupId, upn: member.upn, actor: admin })).toMatchObject({ ok: false, reason: expect.stringContaining("already a member") });
    expect(await addGroupMember({ db, groupId: created.groupId, upn: "nobody@contoso.example", actor: admin })).toMatchObject({ ok: false, reason: expect.stringContaining("No user has the UPN") });
    expect((await getGroup({ db, groupId: created.groupId }))!.members.map((m) => m.upn)).toEqual([member.upn]);
    expect((await getUserDetails({ db, userId: member.id }))!.groups.map((g) => g.name)).toEqual([name]);

    const renamed = `${name} EMEA`;
    expect(await renameGroup({ db, groupId: created.groupId, name: renamed, actor: admin })).toEqual({ ok: true, name: renamed });
    expect(await lastAudit("Update group", created.groupId)).toMatchObject({ targetLabel: renamed, details: JSON.stringify({ previousName: name }) });

    expect(await removeGroupMember({ db, groupId: created.groupId, userId: member.id, actor: admin })).toEqual({ ok: true, upn: member.upn });
    expect(await removeGroupMember({ db, groupId: created.groupId, userId: member.id, actor: admin })).toMatchObject({ ok: false });
    await addGroupMember({ db, groupId: created.groupId, upn: member.upn, actor: admin });
    expect(await deleteGroup({ db, groupId: created.groupId, actor: admin })).toEqual({ ok: true, name: renamed });
    expect(await getGroup({ db, groupId: created.groupId })).toBeNull();
    expect(await db.user.count({ where: { id: member.id } })).toBe(1);
    expect(await lastAudit("Delete group", created.groupId)).toMatchObject({ actorId: admin.id, details: JSON.stringify({ members: 1 }) });
    expect(await renameGroup({ db, groupId: created.groupId, name: "x", actor: admin })).toMatchObject({ ok: false, reason: expect.stringContaining("no longer exists") });
  });
});

describe("role assignments", () => {
  it("assigns and removes a role, audited; refuses unknown roles and duplicates", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    expect(await assignRole({ db, upn: user.upn, role: "Supreme Leader", actor: admin })).toEqual({ ok: false, reason: "Choose one of the built-in roles." });
    expect(await assignRole({ db, upn: user.upn.toUpperCase(), role: "Helpdesk Administrator", actor: admin })).toEqual({ ok: true, upn: user.upn, role: "Helpdesk Administrator" });
    expect(await assignRole({ db, upn: user.upn, role: "Helpdesk Administrator", actor: admin })).toMatchObject({ ok: false, reason: expect.stringContaining("already holds") });
    const listed = (await listRoleAssignments({ db })).find((r) => r.role === "Helpdesk Administrator")!;
    expect(listed.members.map((m) => m.upn)).toContain(user.upn);
    expect(await lastAudit("Add member to role", user.id)).toMatchObject({ actorId: admin.id, details: JSON.stringify({ role: "Helpdesk Administrator" }) });
    expect(await removeRole({ db, userId: user.id, role: "Helpdesk Administrator", actor: admin })).toEqual({ ok: true, upn: user.upn, role: "Helpdesk Administrator" });
    expect(await db.roleAssignment.count({ where: { userId: user.id } })).toBe(0);
    expect(await removeRole({ db, userId: user.id, role: "Helpdesk Administrator", actor: admin })).toMatchObject({ ok: false });
  });

  it("keeps the last Global Administrator", async () => {
    const admin = await makeAdmin();
    // Every other Global Administrator (from other tests) steps down first, so `admin` is the last one.
    await db.roleAssignment.deleteMany({ where: { role: "Global Administrator", userId: { not: admin.id! } } });
    expect(await removeRole({ db, userId: admin.id!, role: "Global Administrator", actor: admin })).toEqual({
      ok: false, reason: "This is the last Global Administrator. Assign the role to someone else first.",
    });
    expect(await db.roleAssignment.count({ where: { userId: admin.id!, role: "Global Administrator" } })).toBe(1);
  });
});
