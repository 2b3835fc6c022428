import { describe, expect, it } from "vitest";
import type { Role } from "../../lib/auth/permissions";
import { verifyPassword } from "../../lib/auth/password";
import { getDb } from "../../lib/db/client";
import type { DirectoryAdmin } from "../../lib/directory/user-action";
import { createDirectoryUser, resetUserPassword } from "../../lib/directory/users";
import { methodIdOf } from "../../lib/methods/authentication-methods";
import { checkCodeStep } from "../../lib/signin/code-step";
import { PASSWORD_CHANGE_PENDING_REASON, awaitsPasswordChange, checkPasswordChangeStep } from "../../lib/signin/password-change-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";

const db = getDb();
const client = { ipAddress: "203.0.113.20", userAgent: "test" };
const GOOD_PASSWORD = "amber kettle over the quiet harbour";

async function makeAdmin(role: Role = "Global Administrator"): Promise<DirectoryAdmin> {
  const user = await makeUser({ roles: [role] });
  return { id: user.id, upn: user.upn, roles: [role], ipAddress: "198.51.100.7" };
}

/** A new account from the console with a token, signed in with the temporary password and a code. */
async function signInWithTemporaryPassword(callbackUrl = "/mysignins") {
  const admin = await makeAdmin();
  const created = await createDirectoryUser({ db, upn: `${unique("starter")}@contoso.example`, displayName: "New Starter", actor: admin });
  if (!created.ok) throw new Error(created.reason);
  const now = new Date(Date.now() - 60_000);
  const token = await makeToken({ userId: created.userId, now });
  const password = await checkPasswordStep({ db, upn: created.upn, password: created.temporaryPassword, callbackUrl, client });
  if (password.outcome !== "mfaRequired") throw new Error(`expected MFA, got ${password.outcome}`);
  const code = await checkCodeStep({ db, handle: password.handle, methodId: methodIdOf({ kind: "hardwareToken", id: token.id }), code: tokenCode(token, new Date()) });
  expect(code).toEqual({ outcome: "complete" });
  return { admin, created, handle: password.handle };
}

describe("a temporary password is changed inside the sign-in (Entra's Update your password)", () => {
  it("after MFA the sign-in waits for a new password; no session before it; the rules of Change password apply", async () => {
    const { created, handle } = await signInWithTemporaryPassword();
    expect(await awaitsPasswordChange({ db, handle })).toBe(true);
    // The session can't be had by skipping the step (A1).
    expect(await redeemSignInHandle({ db, handle })).toBeNull();
    const record = await db.signIn.findFirstOrThrow({ where: { userId: created.userId }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(record).toMatchObject({ status: "interrupted", failureReason: PASSWORD_CHANGE_PENDING_REASON });

    const change = (currentPassword: string, newPassword: string) => checkPasswordChangeStep({ db, handle, currentPassword, newPassword, client });
    expect(await change("not the temporary one", GOOD_PASSWORD)).toMatchObject({ outcome: "retry", field: "currentPassword" });
    expect(await change(created.temporaryPassword, "short")).toEqual({ outcome: "retry", field: "newPassword", message: expect.stringContaining("Use at least") });
    expect(await change(created.temporaryPassword, "password1234")).toMatchObject({ outcome: "retry", message: expect.stringContaining("common") });
    expect(await change(created.temporaryPassword, created.temporaryPassword)).toMatchObject({ outcome: "retry", field: "newPassword" });
    expect(await redeemSignInHandle({ db, handle })).toBeNull();

    expect(await change(created.temporaryPassword, GOOD_PASSWORD)).toEqual({ outcome: "complete", callbackUrl: "/mysignins" });
    const user = await db.user.findUniqueOrThrow({ where: { id: created.userId }, omit: { passwordHash: false } });
    expect(user.mustChangePassword).toBe(false);
    expect(await verifyPassword({ passwordHash: user.passwordHash, password: GOOD_PASSWORD })).toBe(true);
    expect(await verifyPassword({ passwordHash: user.passwordHash, password: created.temporaryPassword })).toBe(false);

    // The session comes only now, with the MFA of this sign-in and the new session version.
    const identity = await redeemSignInHandle({ db, handle });
    expect(identity).toMatchObject({ userId: created.userId, sessionVersion: user.sessionVersion, callbackUrl: "/mysignins" });
    expect(identity?.mfaAt).not.toBeNull();
    // Done once: the step can't be replayed.
    expect(await change(GOOD_PASSWORD, "another long passphrase here")).toMatchObject({ outcome: "expired" });

    // Logged as sign-in steps, the refusals included; the sign-in ends a success.
    const done = await db.signIn.findUniqueOrThrow({ where: { id: record.id }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(done).toMatchObject({ status: "success", failureReason: null, authRequirement: "multiFactor" });
    expect(done.steps.map((s) => [s.method, s.detail, s.succeeded, s.resultDetail])).toEqual([
      ["Password", "", true, "Correct password"],
      ["OATH verification code", expect.any(String), true, "MFA completed with a verification code"],
      ["Password", "Temporary password change", false, "Current password incorrect"],
      ["Password", "Temporary password change", false, "New password refused by the password rules"],
      ["Password", "Temporary password change", false, "New password refused by the password rules"],
      ["Password", "Temporary password change", false, "New password same as the temporary one"],
      ["Password", "Temporary password change", true, "Temporary password changed"],
    ]);
    // Audited and notified as Change password is; never the password itself.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { actorId: created.userId, action: "Change password" } });
    expect(JSON.parse(audit.details)).toEqual({ sessionsEnded: true, atSignIn: true });
    expect(audit.ipAddress).toBe(client.ipAddress);
    expect(JSON.stringify(audit)).not.toContain(GOOD_PASSWORD);
    expect(await db.outboxMessage.count({ where: { to: created.upn, subject: "Your password was changed" } })).toBe(1);
  });

  it("after an admin reset too, also for a sign-in that asks no MFA; an ordinary password goes straight through", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const reset = await resetUserPassword({ db, userId: user.id, actor: admin });
    if (!reset.ok) throw new Error(reset.reason);
    // No method, no policy requiring MFA for Security info: the password alone is the sign-in.
    const signIn = await checkPasswordStep({ db, upn: user.upn, password: reset.temporaryPassword, callbackUrl: "/mysecurityinfo", client });
    if (signIn.outcome !== "complete") throw new Error(`expected no MFA step, got ${signIn.outcome}`);
    expect(await awaitsPasswordChange({ db, handle: signIn.handle })).toBe(true);
    expect(await redeemSignInHandle({ db, handle: signIn.handle })).toBeNull();
    expect(await checkPasswordChangeStep({ db, handle: signIn.handle, currentPassword: reset.temporaryPassword, newPassword: GOOD_PASSWORD, client })).toMatchObject({ outcome: "complete" });
    expect(await redeemSignInHandle({ db, handle: signIn.handle })).toMatchObject({ userId: user.id, mfaAt: null });

    const ordinary = await checkPasswordStep({ db, upn: user.upn, password: GOOD_PASSWORD, callbackUrl: "/mysecurityinfo", client });
    if (ordinary.outcome !== "complete") throw new Error(`expected no MFA step, got ${ordinary.outcome}`);
    expect(await awaitsPasswordChange({ db, handle: ordinary.handle })).toBe(false);
    expect(await redeemSignInHandle({ db, handle: ordinary.handle })).toMatchObject({ userId: user.id });
  });

  it("an expired or unknown handle can't change a password", async () => {
    const { created, handle } = await signInWithTemporaryPassword();
    const later = new Date(Date.now() + 6 * 60_000);
    expect(await checkPasswordChangeStep({ db, handle, currentPassword: created.temporaryPassword, newPassword: GOOD_PASSWORD, client, now: later })).toMatchObject({ outcome: "expired" });
    expect(await checkPasswordChangeStep({ db, handle: "made-up", currentPassword: created.temporaryPassword, newPassword: GOOD_PASSWORD, client })).toMatchObject({ outcome: "expired" });
    expect((await db.user.findUniqueOrThrow({ where: { id: created.userId } })).mustChangePassword).toBe(true);
  });
});
