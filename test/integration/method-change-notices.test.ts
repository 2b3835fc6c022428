import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Role } from "../../lib/auth/permissions";
import { getDb } from "../../lib/db/client";
import { methodIdOf } from "../../lib/methods/authentication-methods";
import { deleteUserMethod, requireMfaReregistration, resetUserPassword } from "../../lib/directory/users";
import type { DirectoryAdmin } from "../../lib/directory/user-action";
import { encryptSecret } from "../../lib/crypto/secret-box";
import { activateHardwareTokenAsAdmin } from "../../lib/tokens/activation-rate-limit";
import { assignHardwareToken } from "../../lib/tokens/assign-hardware-token";
import { reassignHardwareToken } from "../../lib/tokens/reassign-hardware-token";
import { resyncHardwareToken } from "../../lib/tokens/resync-hardware-token";
import { unassignHardwareToken } from "../../lib/tokens/unassign-hardware-token";
import { makeToken, makeUser, tokenCode, unique, wrongCode } from "../support/factories";

const db = getDb();
const minutes = (n: number) => n * 60_000;

async function makeAdmin(role: Role = "Global Administrator"): Promise<DirectoryAdmin> {
  const user = await makeUser({ roles: [role] });
  return { id: user.id, upn: user.upn, roles: [role], ipAddress: "198.51.100.7" };
}

/** The subjects of the mail queued to `upn`, oldest first. */
const subjects = async (upn: string) => (await db.outboxMessage.findMany({ where: { to: upn }, orderBy: { createdAt: "asc" } })).map((m) => m.subject);

// A4: a user hears about every change to their methods, whoever made it — not only their own.
describe("an admin's change to a user's methods notifies the user", () => {
  it("assign, activate, resync, reassign and unassign of a hardware token", async () => {
    const admin = await makeAdmin();
    const first = await makeUser();
    const second = await makeUser();
    const token = await makeToken({});
    expect(await assignHardwareToken({ db, tokenId: token.id, upn: first.upn, actor: admin })).toMatchObject({ ok: true });
    expect(await subjects(first.upn)).toEqual(["A hardware token was assigned to you"]);

    const now = new Date(Date.now() - minutes(2));
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code: tokenCode(token, now), actor: admin, now })).toMatchObject({ ok: true });
    const activated = await db.outboxMessage.findFirstOrThrow({ where: { to: first.upn, subject: "A hardware token was activated on your account" } });
    expect(activated.body).toContain(`An administrator activated hardware token ${token.serialNumber}`);

    const later = new Date();
    expect(await resyncHardwareToken({ db, tokenId: token.id, firstCode: tokenCode(token, later), secondCode: tokenCode(token, later, 1), actor: admin, now: later })).toMatchObject({ ok: true });
    expect(await subjects(first.upn)).toContain("Your hardware token was resynchronised");

    expect(await reassignHardwareToken({ db, tokenId: token.id, upn: second.upn, actor: admin })).toMatchObject({ ok: true });
    expect(await subjects(first.upn)).toContain("A hardware token was removed from your account");
    expect(await subjects(second.upn)).toEqual(["A hardware token was assigned to you"]);

    expect(await unassignHardwareToken({ db, tokenId: token.id, actor: admin })).toMatchObject({ ok: true });
    expect(await subjects(second.upn)).toEqual(["A hardware token was assigned to you", "A hardware token was removed from your account"]);
  });

  it("a refused admin activation sends nothing", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    // Wrong across the whole ±1-day activation window: a fixed "000000" matched one run in ~170.
    const now = new Date();
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code: wrongCode(token, now, 3000), actor: admin, now })).toMatchObject({ ok: false });
    expect(await subjects(user.upn)).toEqual([]);
  });

  it("password reset, deleting a method and re-registration", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    expect(await resetUserPassword({ db, userId: user.id, actor: admin })).toMatchObject({ ok: true });
    const reset = await db.outboxMessage.findFirstOrThrow({ where: { to: user.upn, subject: "Your password was reset" } });

    const app = await db.authenticatorApp.create({ data: { userId: user.id, name: unique("Bob phone"), encryptedSecret: encryptSecret(crypto.randomBytes(20)), status: "active" } });
    expect(await deleteUserMethod({ db, userId: user.id, methodId: methodIdOf({ kind: "authenticatorApp", id: app.id }), actor: admin })).toMatchObject({ ok: true });
    const removed = await db.outboxMessage.findFirstOrThrow({ where: { to: user.upn, subject: "A sign-in method was removed from your account" } });
    expect(removed.body).toContain(`Authenticator app ${app.name}`);

    await makeToken({ userId: user.id });
    expect(await requireMfaReregistration({ db, userId: user.id, actor: admin })).toMatchObject({ ok: true });
    expect(await subjects(user.upn)).toContain("Register your sign-in methods again");
    // The notice never carries the temporary password.
    expect(reset.body).not.toMatch(/[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}/);
  });
});
