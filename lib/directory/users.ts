import { hashPassword } from "../auth/password";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { listMfaMethods, methodIdOf, parseMethodId } from "../methods/authentication-methods";
import { removeUserEmailMethod } from "../methods/email-method";
import { PASSKEY_METHOD_ID, describePasskey, listPasskeys, parsePasskeyMethodId, removeUserPasskey } from "../webauthn/passkeys";
import { emailMethodId, parseEmailMethodId } from "../methods/email-method-id";
import {
  TEMPORARY_ACCESS_PASS, describeTemporaryAccessPass, parseTemporaryAccessPassMethodId, temporaryAccessPassMethodId, temporaryAccessPassState,
} from "../methods/temporary-access-pass";
import { notifyUser, type SecurityNotice } from "../notify/notify-user";
import { releaseToken } from "../tokens/unassign-hardware-token";
import { createUser, normaliseUpn } from "../users/create-user";
import { generateTemporaryPassword } from "./generate-password";
import { runUserAction, type DirectoryAdmin, type DirectoryResult } from "./user-action";

export const USERS_PAGE_SIZE = 25;

export type UserListRow = { id: string; upn: string; displayName: string; enabled: boolean; roles: string[]; createdAt: Date };

/** All users, or those whose UPN or display name contains `search`, by UPN, a page at a time. */
export async function listUsers(options: { db: DatabaseOrTransaction; search?: string; page?: number }) {
  const search = options.search?.trim().slice(0, 200) ?? "";
  // UPNs are stored lower case, so a lower-cased search matches them on both databases.
  const where = search ? { OR: [{ upn: { contains: search.toLowerCase() } }, { displayName: { contains: search } }] } : {};
  const total = await options.db.user.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1) || 1), pageCount);
  const rows = await options.db.user.findMany({
    where,
    orderBy: { upn: "asc" },
    skip: (page - 1) * USERS_PAGE_SIZE,
    take: USERS_PAGE_SIZE,
    select: { id: true, upn: true, displayName: true, enabled: true, createdAt: true, roles: { select: { role: true } } },
  });
  const users: UserListRow[] = rows.map((row) => ({ ...row, roles: row.roles.map((r) => r.role) }));
  return { users, page, pageCount, total, search };
}

/**
 * Adds a user with a generated password that they must change at their first sign-in. The
 * password is returned once, for the admin to hand over; only its hash is kept.
 */
export async function createDirectoryUser(options: {
  db: Database;
  upn: string;
  displayName: string;
  actor: DirectoryAdmin;
}): Promise<DirectoryResult<{ userId: string; upn: string; temporaryPassword: string }>> {
  const upn = normaliseUpn(options.upn);
  if (await options.db.user.findUnique({ where: { upn }, select: { id: true } })) {
    return { ok: false, reason: `A user with the UPN ${upn} already exists.` };
  }
  const temporaryPassword = generateTemporaryPassword({ upn });
  try {
    const user = await createUser({ db: options.db, upn, displayName: options.displayName.trim(), password: temporaryPassword, mustChangePassword: true, actor: options.actor });
    return { ok: true, userId: user.id, upn, temporaryPassword };
  } catch (error) {
    // Another admin created the same UPN between the check and the insert.
    if ((error as { code?: string }).code === "P2002") return { ok: false, reason: `A user with the UPN ${upn} already exists.` };
    throw error;
  }
}

/** Enables or disables sign-in; a disabled user's sessions end on their next request (the DAL checks). */
export function setUserEnabled(options: { db: Database; userId: string; enabled: boolean; actor: DirectoryAdmin }) {
  const action = options.enabled ? "Enable account" : "Disable account";
  return runUserAction({ ...options, action, permission: "users.manage" }, async ({ tx, target, refuse, succeed }) => {
    if (!options.enabled && target.id === options.actor.id) return refuse("You can't disable your own account.");
    await tx.user.update({ where: { id: target.id }, data: { enabled: options.enabled, ...(options.enabled ? {} : { sessionVersion: { increment: 1 } }) } });
    await succeed({ enabled: options.enabled });
    return { ok: true as const, upn: target.upn };
  });
}

/**
 * Sets a generated password the user must change at their next sign-in, and ends every session
 * of theirs. The password is returned once; the audit event never holds it.
 */
export async function resetUserPassword(options: { db: Database; userId: string; actor: DirectoryAdmin; now?: Date }) {
  const target = await options.db.user.findUnique({ where: { id: options.userId }, select: { upn: true } });
  const temporaryPassword = generateTemporaryPassword({ upn: target?.upn ?? "" });
  const passwordHash = await hashPassword(temporaryPassword);
  return runUserAction({ ...options, action: "Reset password", permission: "users.resetPassword" }, async ({ tx, target, succeed }) => {
    await tx.user.update({
      where: { id: target.id },
      data: { passwordHash, passwordChangedAt: options.now ?? new Date(), mustChangePassword: true, sessionVersion: { increment: 1 } },
    });
    await succeed({ sessionsEnded: true });
    await notifyUser({ db: tx, upn: target.upn, now: options.now, notice: { subject: "Your password was reset", what: "An administrator reset the password of your account, and every session was signed out. You will choose a new password when you sign in with the temporary one they give you." } });
    return { ok: true as const, upn: target.upn, temporaryPassword };
  });
}

/** Ends every session of the user at once, on every instance (the DAL compares session versions). */
export function revokeSessionsAsAdmin(options: { db: Database; userId: string; actor: DirectoryAdmin }) {
  return runUserAction({ ...options, action: "Revoke sessions", permission: "users.revokeSessions" }, async ({ tx, target, succeed }) => {
    await tx.user.update({ where: { id: target.id }, data: { sessionVersion: { increment: 1 } } });
    await succeed({ reason: "Revoked by an administrator" });
    return { ok: true as const, upn: target.upn };
  });
}

/**
 * Entra's "Require re-register multifactor authentication": every OATH method goes — apps are
 * deleted, hardware tokens go back to the inventory with their code state reset — so the user
 * registers again at their next sign-in. Their sessions end too.
 */
export function requireMfaReregistration(options: { db: Database; userId: string; actor: DirectoryAdmin }) {
  return runUserAction({ ...options, action: "Require re-register MFA", permission: "methods.manage" }, async ({ tx, target, succeed }) => {
    const tokens = await tx.hardwareToken.findMany({ where: { userId: target.id }, select: { id: true } });
    for (const token of tokens) await releaseToken({ db: tx, tokenId: token.id, from: target, to: null });
    const apps = await tx.authenticatorApp.deleteMany({ where: { userId: target.id } });
    const email = await tx.emailMethod.deleteMany({ where: { userId: target.id } });
    await tx.emailOneTimeCode.deleteMany({ where: { userId: target.id } });
    await tx.user.update({ where: { id: target.id }, data: { defaultMethod: null, sessionVersion: { increment: 1 } } });
    await succeed({ hardwareTokensReleased: tokens.length, authenticatorAppsDeleted: apps.count, emailMethodsDeleted: email.count });
    await notifyUser({ db: tx, upn: target.upn, notice: { subject: "Register your sign-in methods again", what: "An administrator removed your hardware tokens, authenticator apps and email method, and every session was signed out. Register a sign-in method again in Security info at your next sign-in." } });
    return { ok: true as const, upn: target.upn, removed: tokens.length + apps.count + email.count };
  });
}

/**
 * Deletes one of the user's methods as an admin: an authenticator app or a Temporary Access Pass
 * is deleted, a hardware token goes back to the inventory. The method must belong to this user
 * (the id comes from a form).
 */
export function deleteUserMethod(options: { db: Database; userId: string; methodId: string; actor: DirectoryAdmin }) {
  return runUserAction({ ...options, action: "Delete authentication method", permission: "methods.manage" }, async ({ tx, target, refuse, succeed }) => {
    const ref = parseMethodId(options.methodId);
    const gone = `This method is no longer on ${target.upn}'s account. Reload the page.`;
    const emailId = parseEmailMethodId(options.methodId);
    const passkeyId = parsePasskeyMethodId(options.methodId);
    if (passkeyId) {
      const label = await removeUserPasskey(tx, target.id, passkeyId);
      if (!label) return refuse(gone);
      await succeed({ method: label });
      await notifyUser({ db: tx, upn: target.upn, notice: methodRemovedNotice(label) });
      return { ok: true as const, upn: target.upn, label };
    }
    if (emailId) {
      const label = await removeUserEmailMethod(tx, target.id, emailId);
      if (!label) return refuse(gone);
      await tx.user.updateMany({ where: { id: target.id, defaultMethod: options.methodId }, data: { defaultMethod: null } });
      await succeed({ method: label });
      await notifyUser({ db: tx, upn: target.upn, notice: methodRemovedNotice(label) });
      return { ok: true as const, upn: target.upn, label };
    }
    if (!ref) {
      const tapId = parseTemporaryAccessPassMethodId(options.methodId);
      if (!tapId || (await tx.temporaryAccessPass.deleteMany({ where: { id: tapId, userId: target.id } })).count !== 1) return refuse(gone);
      await succeed({ method: TEMPORARY_ACCESS_PASS });
      await notifyUser({ db: tx, upn: target.upn, notice: methodRemovedNotice(TEMPORARY_ACCESS_PASS) });
      return { ok: true as const, upn: target.upn, label: TEMPORARY_ACCESS_PASS };
    }
    let label: string;
    if (ref.kind === "hardwareToken") {
      const token = await tx.hardwareToken.findFirst({ where: { id: ref.id, userId: target.id }, select: { serialNumber: true } });
      if (!token || !(await releaseToken({ db: tx, tokenId: ref.id, from: target, to: null }))) return refuse(gone);
      label = `Hardware token ${token.serialNumber}`;
    } else {
      const app = await tx.authenticatorApp.findFirst({ where: { id: ref.id, userId: target.id }, select: { name: true } });
      if (!app || (await tx.authenticatorApp.deleteMany({ where: { id: ref.id, userId: target.id } })).count !== 1) return refuse(gone);
      label = `Authenticator app ${app.name}`;
      await tx.user.updateMany({ where: { id: target.id, defaultMethod: methodIdOf(ref) }, data: { defaultMethod: null } });
    }
    await succeed({ method: label });
    await notifyUser({ db: tx, upn: target.upn, notice: methodRemovedNotice(label) });
    return { ok: true as const, upn: target.upn, label };
  });
}

/** What the user hears when an admin deletes one of their methods (A4). */
function methodRemovedNotice(label: string): SecurityNotice {
  return { subject: "A sign-in method was removed from your account", what: `An administrator removed ${label} from your sign-in methods.` };
}

export type AdminMethodView = {
  methodId: string;
  type: "Hardware token" | "Authenticator app" | "Passkey" | "Email" | typeof TEMPORARY_ACCESS_PASS;
  name: string;
  detail: string;
  status: string;
  isDefault: boolean;
  /** the hardware token's id, for the link to /admin/tokens/[id] */
  tokenId: string | null;
};

/**
 * A user as the console shows them: account, roles, groups, and every authentication method —
 * also those not usable yet (a token assigned but not activated, an app still pending) — with
 * the default marked.
 */
export async function getUserDetails(options: { db: DatabaseOrTransaction; userId: string; now?: Date }) {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true, upn: true, displayName: true, enabled: true, mustChangePassword: true, createdAt: true, passwordChangedAt: true,
      roles: { select: { role: true }, orderBy: { role: "asc" } },
      groups: { select: { group: { select: { id: true, name: true } } } },
      hardwareTokens: { select: { id: true, serialNumber: true, manufacturer: true, model: true, friendlyName: true, status: true }, orderBy: { serialNumber: "asc" } },
      authenticatorApps: { select: { id: true, name: true, status: true }, orderBy: { createdAt: "asc" } },
      temporaryAccessPass: { select: { id: true, oneTimeUse: true, startsAt: true, expiresAt: true, usedAt: true, createdByUpn: true } },
      emailMethod: { select: { id: true, address: true, confirmedAt: true } },
    },
  });
  if (!user) return null;
  const [{ defaultMethod }, passkeys, storedDefault] = await Promise.all([
    listMfaMethods({ db, userId }),
    listPasskeys({ db, userId }),
    db.user.findUnique({ where: { id: userId }, select: { defaultMethod: true } }),
  ]);
  const methods: AdminMethodView[] = [
    ...user.hardwareTokens.map((token) => {
      const methodId = methodIdOf({ kind: "hardwareToken", id: token.id });
      return {
        methodId, type: "Hardware token" as const, name: token.friendlyName || `${token.manufacturer} ${token.model}`,
        detail: `Serial number ${token.serialNumber}`, status: token.status, isDefault: defaultMethod?.methodId === methodId, tokenId: token.id,
      };
    }),
    ...user.authenticatorApps.map((app) => {
      const methodId = methodIdOf({ kind: "authenticatorApp", id: app.id });
      return {
        methodId, type: "Authenticator app" as const, name: app.name, detail: "Time-based one-time code",
        status: app.status, isDefault: defaultMethod?.methodId === methodId, tokenId: null,
      };
    }),
    ...passkeys.map((passkey) => ({
      methodId: passkey.methodId, type: "Passkey" as const, name: passkey.name, detail: describePasskey(passkey),
      status: "active", isDefault: storedDefault?.defaultMethod === PASSKEY_METHOD_ID, tokenId: null,
    })),
    ...(user.emailMethod ? [user.emailMethod] : []).map((email) => ({
      methodId: emailMethodId(email.id), type: "Email" as const, name: email.address, detail: "Email one-time code",
      status: email.confirmedAt ? "active" : "pending", isDefault: defaultMethod?.methodId === emailMethodId(email.id), tokenId: null,
    })),
    // status: the pass's state (active, notYetValid, expired, used); it is never the default.
    ...(user.temporaryAccessPass ? [user.temporaryAccessPass] : []).map((tap) => ({
      methodId: temporaryAccessPassMethodId(tap.id), type: TEMPORARY_ACCESS_PASS, name: TEMPORARY_ACCESS_PASS,
      detail: `${describeTemporaryAccessPass(tap)} · issued by ${tap.createdByUpn || "an administrator"}`,
      status: temporaryAccessPassState(tap, now), isDefault: false, tokenId: null,
    })),
  ];
  return {
    id: user.id, upn: user.upn, displayName: user.displayName, enabled: user.enabled, mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt, passwordChangedAt: user.passwordChangedAt,
    roles: user.roles.map((r) => r.role),
    groups: user.groups.map((g) => g.group).sort((a, b) => a.name.localeCompare(b.name)),
    methods,
  };
}

export type UserDetails = NonNullable<Awaited<ReturnType<typeof getUserDetails>>>;
