import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { rolesAllow, type Permission, type Role } from "../../lib/auth/permissions";
import { encryptSecret } from "../../lib/crypto/secret-box";
import { getDb } from "../../lib/db/client";
import { codeForStep, timeStepAt } from "../../lib/otp/totp";
import { CodeCheckFailure, verifyOathCode } from "../../lib/otp/verify-oath-code";
import { ACTIVATION_LIMIT, activateHardwareTokenAsAdmin, checkActivationRateLimit } from "../../lib/tokens/activation-rate-limit";
import { addHardwareToken } from "../../lib/tokens/add-hardware-token";
import { assignHardwareToken } from "../../lib/tokens/assign-hardware-token";
import type { TokenAdmin } from "../../lib/tokens/assignment-rules";
import { deleteHardwareToken } from "../../lib/tokens/delete-hardware-token";
import { findTokenByCode } from "../../lib/tokens/find-token-by-code";
import { listHardwareTokens } from "../../lib/tokens/list-hardware-tokens";
import { reassignHardwareToken } from "../../lib/tokens/reassign-hardware-token";
import { resyncHardwareToken } from "../../lib/tokens/resync-hardware-token";
import { unassignHardwareToken } from "../../lib/tokens/unassign-hardware-token";
import { makeToken, makeUser, tokenCode, unique, wrongCode, type TestToken } from "../support/factories";

const db = getDb();
const ref = (id: string) => ({ kind: "hardwareToken" as const, id });
const later = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);
const stored = (id: string) => db.hardwareToken.findUniqueOrThrow({ where: { id } });

/** An admin as the console passes one to the token actions. */
async function makeAdmin(role: Role = "Global Administrator"): Promise<TokenAdmin> {
  const user = await makeUser({ roles: [role] });
  return { id: user.id, upn: user.upn, roles: [role], ipAddress: "198.51.100.4" };
}

async function lastAudit(action: string, targetId: string) {
  return db.auditEvent.findFirstOrThrow({ where: { action, targetId }, orderBy: { createdAt: "desc" } });
}

/** An authenticator app row (this issue has no app registration yet), active unless told. */
async function addAuthenticatorApp(userId: string, data: { status?: string; pendingExpiresAt?: Date } = {}) {
  await db.authenticatorApp.create({ data: { userId, name: unique("app"), encryptedSecret: encryptSecret(crypto.randomBytes(20)), status: data.status ?? "active", pendingExpiresAt: data.pendingExpiresAt } });
}

describe("status transitions: available → assigned → activated", () => {
  it("assigns an available token to a UPN, then activates it with drift measured, each audited", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const token = await makeToken({});
    expect(await stored(token.id)).toMatchObject({ status: "available", userId: null });

    const assigned = await assignHardwareToken({ db, tokenId: token.id, upn: `  ${user.upn.toUpperCase()} `, actor: admin });
    expect(assigned).toEqual({ ok: true, serialNumber: token.serialNumber, upn: user.upn });
    expect(await stored(token.id)).toMatchObject({ status: "assigned", userId: user.id });
    expect(await lastAudit("Assign hardware token", token.id)).toMatchObject({
      actorId: admin.id, actorUpn: admin.upn, targetLabel: token.serialNumber, result: "success", ipAddress: "198.51.100.4",
    });

    const now = new Date();
    const activated = await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code: tokenCode(token, now, 2), actor: admin, now });
    expect(activated).toEqual({ ok: true, serialNumber: token.serialNumber, driftSteps: 2, period: 30 });
    expect(await stored(token.id)).toMatchObject({ status: "activated", driftSteps: 2, lastUsedStep: timeStepAt({ now, period: 30, t0: 0 }) + 2, activatedAt: now });
    expect(await lastAudit("Activate hardware token", token.id)).toMatchObject({ actorId: admin.id, result: "success" });
  });

  it("marks a wrong activation code failedActivation with the reason; the right code then activates", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    const failed = await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code: wrongCode(token, now, 3000), actor: admin, now });
    expect(failed).toEqual({ ok: false, reason: expect.stringMatching(/doesn't match this token/) });
    expect((await stored(token.id)).status).toBe("failedActivation");
    expect(await lastAudit("Activate hardware token", token.id)).toMatchObject({ result: "failure" });

    expect(await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code: tokenCode(token, now), actor: admin, now })).toMatchObject({ ok: true, driftSteps: 0 });
    expect((await stored(token.id)).status).toBe("activated");
  });

  it("counts the activation code as used: it can't then sign in (C6), the next code can", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    const code = tokenCode(token, now);
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code, actor: admin, now })).toMatchObject({ ok: true });
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code, now })).toMatchObject({ ok: false, failure: CodeCheckFailure.Replayed });
    const next = later(now, 30);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, next), now: next })).toMatchObject({ ok: true });
  });

  it("refuses to activate an unassigned or already activated token", async () => {
    const admin = await makeAdmin();
    const unassigned = await makeToken({});
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: unassigned.id, code: tokenCode(unassigned, new Date()), actor: admin })).toEqual({
      ok: false, reason: `Token ${unassigned.serialNumber} is not assigned to a user: assign it before activating it.`,
    });
    const user = await makeUser();
    const active = await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: active.id, code: tokenCode(active, new Date()), actor: admin })).toEqual({
      ok: false, reason: `Token ${active.serialNumber} is already activated.`,
    });
  });
});

describe("assign", () => {
  it("refuses an unknown UPN with a clear error, audited, and leaves the token available", async () => {
    const admin = await makeAdmin();
    const token = await makeToken({});
    const result = await assignHardwareToken({ db, tokenId: token.id, upn: "nobody-here@contoso.example", actor: admin });
    expect(result).toEqual({ ok: false, reason: "No user has the UPN nobody-here@contoso.example. Check the spelling (e.g. alice@contoso.example)." });
    expect(await stored(token.id)).toMatchObject({ status: "available", userId: null });
    expect(await lastAudit("Assign hardware token", token.id)).toMatchObject({ result: "failure", details: expect.stringContaining("nobody-here@contoso.example") });
  });

  it("assigns only an available token", async () => {
    const admin = await makeAdmin();
    const holder = await makeUser();
    const other = await makeUser();
    const token = await makeToken({ userId: holder.id, activate: false });
    const result = await assignHardwareToken({ db, tokenId: token.id, upn: other.upn, actor: admin });
    expect(result).toEqual({ ok: false, reason: `Only an available token can be assigned: ${token.serialNumber} is not available (it is assigned to ${holder.upn}). Use Reassign to move it to another user.` });
    expect((await stored(token.id)).userId).toBe(holder.id);
  });

  it("holds a user to 5 hardware tokens and authenticator apps together", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    for (let i = 0; i < 3; i++) await makeToken({ userId: user.id, activate: i === 0 });
    await addAuthenticatorApp(user.id);
    // An app whose setup was abandoned long ago doesn't take a place; a pending one in progress does.
    await addAuthenticatorApp(user.id, { status: "pending", pendingExpiresAt: new Date(Date.now() - 3600_000) });
    const fifth = await makeToken({});
    expect(await assignHardwareToken({ db, tokenId: fifth.id, upn: user.upn, actor: admin })).toMatchObject({ ok: true });

    const sixth = await makeToken({});
    const refused = await assignHardwareToken({ db, tokenId: sixth.id, upn: user.upn, actor: admin });
    expect(refused).toEqual({ ok: false, reason: `${user.upn} already has 5 hardware tokens and authenticator apps (the limit); remove one first.` });
    expect(await stored(sixth.id)).toMatchObject({ status: "available", userId: null });

    const second = await makeUser();
    for (let i = 0; i < 4; i++) await makeToken({ userId: second.id, activate: false });
    await addAuthenticatorApp(second.id, { status: "pending", pendingExpiresAt: new Date(Date.now() + 600_000) });
    expect(await assignHardwareToken({ db, tokenId: sixth.id, upn: second.upn, actor: admin })).toMatchObject({ ok: false, reason: expect.stringMatching(/already has 5/) });
  });

  it("never goes past the limit under concurrent assignments to one user", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    for (let i = 0; i < 3; i++) await makeToken({ userId: user.id, activate: false });
    const spare = await Promise.all(Array.from({ length: 4 }, () => makeToken({})));
    const results = await Promise.all(spare.map((token) => assignHardwareToken({ db, tokenId: token.id, upn: user.upn, actor: admin })));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(await db.hardwareToken.count({ where: { userId: user.id } })).toBe(5);
  });

  it("keeps an Authentication Administrator to non-admin users (Entra's rule)", async () => {
    const authAdmin = await makeAdmin("Authentication Administrator");
    const globalAdmin = await makeUser({ roles: ["Global Administrator"] });
    const plain = await makeUser();
    const token = await makeToken({});
    expect(await assignHardwareToken({ db, tokenId: token.id, upn: globalAdmin.upn, actor: authAdmin })).toEqual({
      ok: false,
      reason: `${globalAdmin.upn} holds an admin role; your role may manage hardware tokens of non-admin users only. Ask a Privileged Authentication Administrator or Global Administrator.`,
    });
    expect(await assignHardwareToken({ db, tokenId: token.id, upn: plain.upn, actor: authAdmin })).toMatchObject({ ok: true });
    // Nor may it activate a token an admin holds.
    const adminsToken = await makeToken({ userId: globalAdmin.id, activate: false });
    const now = new Date();
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: adminsToken.id, code: tokenCode(adminsToken, now), actor: authAdmin, now })).toMatchObject({ ok: false, reason: expect.stringMatching(/holds an admin role/) });
    expect((await stored(adminsToken.id)).status).toBe("assigned");
  });
});

describe("unassign and reassign", () => {
  it("unassign puts the token back to available with its code state reset and the default method cleared", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const start = new Date(Date.now() - 3600_000);
    const token = await makeToken({ userId: user.id, now: start, clockOffsetSteps: 7 });
    await db.user.update({ where: { id: user.id }, data: { defaultMethod: `hardwareToken:${token.id}` } });
    await db.hardwareToken.update({ where: { id: token.id }, data: { friendlyName: "My fob" } });
    expect(await stored(token.id)).toMatchObject({ status: "activated", driftSteps: 7 });

    expect(await unassignHardwareToken({ db, tokenId: token.id, actor: admin })).toEqual({ ok: true, serialNumber: token.serialNumber, previousUpn: user.upn });
    expect(await stored(token.id)).toMatchObject({
      status: "available", userId: null, driftSteps: 0, lastUsedStep: -1, activatedAt: null, lastUsedAt: null, friendlyName: null,
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBeNull();
    expect(await lastAudit("Unassign hardware token", token.id)).toMatchObject({ result: "success", details: expect.stringContaining(user.upn) });
    // The former holder can no longer sign in with it.
    const now = new Date();
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now, 7), now })).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable });
    expect(await unassignHardwareToken({ db, tokenId: token.id, actor: admin })).toEqual({ ok: false, reason: `Token ${token.serialNumber} is not assigned to anyone.` });
  });

  it("unassign keeps another default method", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const kept = await makeToken({ userId: user.id });
    const removed = await makeToken({ userId: user.id });
    await db.user.update({ where: { id: user.id }, data: { defaultMethod: `hardwareToken:${kept.id}` } });
    expect(await unassignHardwareToken({ db, tokenId: removed.id, actor: admin })).toMatchObject({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBe(`hardwareToken:${kept.id}`);
  });

  it("reassign moves the token to another user atomically, code state reset, to be activated again", async () => {
    const admin = await makeAdmin();
    const from = await makeUser();
    const to = await makeUser();
    const token = await makeToken({ userId: from.id, now: new Date(Date.now() - 3600_000), clockOffsetSteps: -3 });
    await db.user.update({ where: { id: from.id }, data: { defaultMethod: `hardwareToken:${token.id}` } });

    expect(await reassignHardwareToken({ db, tokenId: token.id, upn: to.upn, actor: admin })).toEqual({ ok: true, serialNumber: token.serialNumber, previousUpn: from.upn, upn: to.upn });
    expect(await stored(token.id)).toMatchObject({ status: "assigned", userId: to.id, driftSteps: 0, lastUsedStep: -1, activatedAt: null, lastUsedAt: null });
    expect((await db.user.findUniqueOrThrow({ where: { id: from.id } })).defaultMethod).toBeNull();
    const audit = await lastAudit("Reassign hardware token", token.id);
    expect(JSON.parse(audit.details)).toEqual({ previousUser: from.upn, assignedTo: to.upn });
    // Not usable by the new holder until activated.
    const now = new Date();
    expect(await verifyOathCode({ db, userId: to.id, credential: ref(token.id), code: tokenCode(token, now), now })).toMatchObject({ ok: false, failure: CodeCheckFailure.NotUsable });
  });

  it("reassign refuses an unassigned token, the same user, an unknown UPN and a full user, changing nothing", async () => {
    const admin = await makeAdmin();
    const holder = await makeUser();
    const full = await makeUser();
    for (let i = 0; i < 5; i++) await makeToken({ userId: full.id, activate: false });
    const token = await makeToken({ userId: holder.id, activate: false });
    const spare = await makeToken({});
    expect(await reassignHardwareToken({ db, tokenId: spare.id, upn: holder.upn, actor: admin })).toEqual({ ok: false, reason: `Token ${spare.serialNumber} is not assigned to anyone: use Assign instead.` });
    expect(await reassignHardwareToken({ db, tokenId: token.id, upn: holder.upn, actor: admin })).toEqual({ ok: false, reason: `Token ${token.serialNumber} is already assigned to ${holder.upn}.` });
    expect(await reassignHardwareToken({ db, tokenId: token.id, upn: "ghost@contoso.example", actor: admin })).toMatchObject({ ok: false, reason: expect.stringMatching(/^No user has the UPN ghost@contoso.example/) });
    expect(await reassignHardwareToken({ db, tokenId: token.id, upn: full.upn, actor: admin })).toMatchObject({ ok: false, reason: expect.stringMatching(/already has 5/) });
    expect(await stored(token.id)).toMatchObject({ status: "assigned", userId: holder.id });
  });
});

describe("delete", () => {
  it("deletes only unassigned tokens", async () => {
    const admin = await makeAdmin("Authentication Policy Administrator");
    const user = await makeUser();
    const held = await makeToken({ userId: user.id, activate: false });
    expect(await deleteHardwareToken({ db, tokenId: held.id, actor: admin })).toEqual({ ok: false, reason: `Unassign token ${held.serialNumber} before deleting it (it is assigned to ${user.upn}).` });
    expect(await db.hardwareToken.count({ where: { id: held.id } })).toBe(1);
    expect(await lastAudit("Delete hardware token", held.id)).toMatchObject({ result: "failure" });

    const spare = await makeToken({});
    expect(await deleteHardwareToken({ db, tokenId: spare.id, actor: admin })).toEqual({ ok: true, serialNumber: spare.serialNumber });
    expect(await db.hardwareToken.count({ where: { id: spare.id } })).toBe(0);
    expect(await lastAudit("Delete hardware token", spare.id)).toMatchObject({ result: "success", targetLabel: spare.serialNumber, actorId: admin.id });
    expect(await deleteHardwareToken({ db, tokenId: spare.id, actor: admin })).toMatchObject({ ok: false, reason: expect.stringMatching(/no longer exists/) });
  });
});

describe("resync", () => {
  /** Codes a token whose clock is `offset` steps ahead shows now and one step later. */
  function consecutiveCodes(token: TestToken, now: Date, offset: number) {
    const step = timeStepAt({ now, period: token.period, t0: 0 }) + offset;
    return { first: codeForStep({ ...token, step: step - 1 }), second: codeForStep({ ...token, step }), step };
  }

  /** A token activated in step at `start`, and a moment an hour later. */
  async function activatedAnHourAgo(start: Date) {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: start });
    return { admin: await makeAdmin(), user, token, now: later(start, 3600) };
  }

  it("moves the drift past the sign-in window with two consecutive codes, and sign-in follows it", async () => {
    const { admin, user, token, now } = await activatedAnHourAgo(new Date("2026-11-20T08:00:00Z"));
    // The token's clock ran 100 steps (50 minutes) ahead: sign-in (±1 step) refuses its codes.
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, now, 100), now })).toMatchObject({ ok: false, failure: CodeCheckFailure.WrongCode });

    const codes = consecutiveCodes(token, now, 100);
    const result = await resyncHardwareToken({ db, tokenId: token.id, firstCode: codes.first, secondCode: codes.second, actor: admin, now });
    expect(result).toEqual({ ok: true, serialNumber: token.serialNumber, driftSteps: 100, period: 30, previousDriftSteps: 0 });
    expect(await stored(token.id)).toMatchObject({ driftSteps: 100, lastUsedStep: codes.step, status: "activated" });
    expect(JSON.parse((await lastAudit("Resync hardware token", token.id)).details)).toEqual({ previousDriftSteps: 0, driftSteps: 100 });

    // The same two codes again are used up (C6); the token's next code signs in.
    expect(await resyncHardwareToken({ db, tokenId: token.id, firstCode: codes.first, secondCode: codes.second, actor: admin, now })).toMatchObject({ ok: false });
    const next = later(now, 30);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(token.id), code: tokenCode(token, next, 100), now: next })).toMatchObject({ ok: true, driftSteps: 100 });
  });

  it("refuses codes that are not consecutive, leaving the drift alone", async () => {
    const { admin, token, now } = await activatedAnHourAgo(new Date("2026-11-21T08:00:00Z"));
    const step = timeStepAt({ now, period: 30, t0: 0 }) + 40;
    const result = await resyncHardwareToken({
      db, tokenId: token.id, firstCode: codeForStep({ ...token, step }), secondCode: codeForStep({ ...token, step: step + 2 }), actor: admin, now,
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/not consecutive codes of this token/) });
    expect(await stored(token.id)).toMatchObject({ driftSteps: 0 });
    expect(await lastAudit("Resync hardware token", token.id)).toMatchObject({ result: "failure" });
    expect(await resyncHardwareToken({ db, tokenId: token.id, firstCode: "12345", secondCode: "123456", actor: admin, now })).toMatchObject({ ok: false, reason: expect.stringMatching(/^First code: The code must be exactly 6 digits/) });
  });

  it("resyncs only activated tokens", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    const now = new Date();
    const codes = consecutiveCodes(token, now, 0);
    expect(await resyncHardwareToken({ db, tokenId: token.id, firstCode: codes.first, secondCode: codes.second, actor: admin, now })).toMatchObject({
      ok: false, reason: expect.stringMatching(new RegExp(`^Token ${token.serialNumber} is not activated`)),
    });
    expect(await stored(token.id)).toMatchObject({ status: "assigned", lastUsedStep: -1 });
  });
});

describe("find token by code", () => {
  it("finds the token showing the code, with its user, without using the code up", async () => {
    const admin = await makeAdmin("Authentication Administrator");
    const manufacturer = unique("Mfr");
    const user = await makeUser();
    const start = new Date("2026-11-22T08:00:00Z");
    const tokens: TestToken[] = [];
    for (let i = 0; i < 3; i++) {
      const secret = crypto.randomBytes(20);
      const token = { serialNumber: unique("FC"), manufacturer, model: "c200", secret, period: 30 as const, digits: 6 as const, algorithm: "SHA1" as const, t0: 0 };
      const created = await addHardwareToken({ db, token, assignToUserId: i === 2 ? null : user.id, actor: systemActor });
      tokens.push({ id: created.id, ...token });
    }
    const [held, , unassigned] = tokens;
    // Activated with its clock 5 steps behind: found at its learned drift.
    await activateHardwareTokenAsAdmin({ db, tokenId: held.id, code: tokenCode(held, start, -5), actor: admin, now: start });
    const now = later(start, 600);
    const code = tokenCode(held, now, -5);
    const before = await stored(held.id);

    const result = await findTokenByCode({ db, code: ` ${code.slice(0, 3)} ${code.slice(3)} `, manufacturer, actor: admin, now });
    expect(result).toEqual({
      ok: true,
      searched: 2,
      matches: [{ id: held.id, serialNumber: held.serialNumber, manufacturer, model: "c200", status: "activated", user: { upn: user.upn, displayName: "Test User" } }],
    });
    expect((await stored(held.id)).lastUsedStep).toBe(before.lastUsedStep);
    expect(await verifyOathCode({ db, userId: user.id, credential: ref(held.id), code, now })).toMatchObject({ ok: true });

    // The audit says who searched and what was found, never the code.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "Find hardware token by code", actorId: admin.id }, orderBy: { createdAt: "desc" } });
    expect(JSON.parse(audit.details)).toEqual({ manufacturer, searched: 2, matches: held.serialNumber });
    expect(JSON.stringify(audit)).not.toContain(code);

    // Unassigned tokens are not searched; a wrong code finds nothing; a malformed one is refused.
    expect(await findTokenByCode({ db, code: tokenCode(unassigned, now), manufacturer, actor: admin, now })).toMatchObject({ ok: true, matches: [] });
    expect(await findTokenByCode({ db, code: wrongCode(held, later(now, -150), 10), manufacturer, actor: admin, now })).toMatchObject({ ok: true, matches: [] });
    expect(await findTokenByCode({ db, code: "12ab56", actor: admin, now })).toEqual({ ok: false, reason: "Enter the 6- or 8-digit code the token shows now (digits only)." });
  });

  it("finds 8-digit tokens by their 8-digit code", async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, digits: 8, algorithm: "SHA256", period: 60, now: new Date(Date.now() - 600_000) });
    const now = new Date();
    const result = await findTokenByCode({ db, code: tokenCode(token, now), manufacturer: "Feitian", actor: admin, now });
    expect(result.ok && result.matches.map((m) => m.serialNumber)).toContain(token.serialNumber);
  });

  it("checks each held token in its own sign-in window (drift ±1, period, T0, hash, digits), never an available one", async () => {
    const admin = await makeAdmin();
    const manufacturer = unique("Mfr");
    const start = new Date("2026-11-22T09:00:00Z");
    const add = async (token: Partial<Omit<TestToken, "id">>, held = true) => {
      const full = { serialNumber: unique("FW"), manufacturer, model: "c200", secret: crypto.randomBytes(20), period: 30 as const, digits: 6 as const, algorithm: "SHA1" as const, t0: 0, ...token };
      const user = held ? await makeUser() : null;
      const created = await addHardwareToken({ db, token: full, assignToUserId: user?.id ?? null, actor: systemActor });
      return { id: created.id, ...full } as TestToken;
    };
    const find = async (code: string, now: Date) => {
      const result = await findTokenByCode({ db, code, manufacturer, actor: admin, now });
      if (!result.ok) throw new Error(result.reason);
      return result.matches.map((m) => m.serialNumber);
    };

    // Activated 3 steps ahead: its window is +2…+4 around the clock, whatever the code's step.
    const ahead = await add({});
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: ahead.id, code: tokenCode(ahead, start, 3), actor: admin, now: start })).toMatchObject({ ok: true, driftSteps: 3 });
    // A failed activation still leaves the token with its holder: searched, at drift 0.
    const failed = await add({});
    await activateHardwareTokenAsAdmin({ db, tokenId: failed.id, code: wrongCode(failed, start, 3000), actor: admin, now: start });
    // 8 digits, SHA-512, 60-second steps counted from a T0 of its own; assigned, not activated.
    const own = await add({ digits: 8, algorithm: "SHA512", period: 60, t0: 1_700_000_017 });
    // Counts from a T0 after now: it shows no code yet, and nothing crashes on it.
    const future = await add({ t0: Math.floor(start.getTime() / 1000) + 86_400 });
    const available = await add({}, false);
    const before = await db.hardwareToken.findMany({ where: { manufacturer }, orderBy: { id: "asc" } });

    const now = later(start, 3600);
    for (const offset of [2, 3, 4]) expect(await find(tokenCode(ahead, now, offset), now)).toContain(ahead.serialNumber);
    for (const offset of [0, 1, 5]) {
      const code = tokenCode(ahead, now, offset);
      // (a code equal to one of the window's own codes would be found rightly; skip that 1-in-a-million case)
      if (![2, 3, 4].some((inWindow) => tokenCode(ahead, now, inWindow) === code)) expect(await find(code, now)).not.toContain(ahead.serialNumber);
    }
    expect(await find(tokenCode(failed, now), now)).toContain(failed.serialNumber);
    expect(await find(tokenCode(failed, now, 1), now)).toContain(failed.serialNumber);
    expect(await find(tokenCode(own, now, -1), now)).toEqual([own.serialNumber]);
    expect(await find(tokenCode({ ...own, algorithm: "SHA1" }, now), now)).not.toContain(own.serialNumber);
    expect(await find(tokenCode(available, now), now)).not.toContain(available.serialNumber);
    const result = await findTokenByCode({ db, code: tokenCode(failed, now), manufacturer, actor: admin, now });
    expect(result).toMatchObject({ ok: true, searched: 3 }); // ahead, failed, future: the 6-digit held tokens
    expect(result.ok && result.matches.map((m) => m.status)).toContain("failedActivation");

    // Read only: no step claimed, no drift changed, by any of these searches.
    const after = await db.hardwareToken.findMany({ where: { manufacturer }, orderBy: { id: "asc" } });
    expect(after.map(({ lastUsedStep, driftSteps, status }) => ({ lastUsedStep, driftSteps, status }))).toEqual(before.map(({ lastUsedStep, driftSteps, status }) => ({ lastUsedStep, driftSteps, status })));
    expect(future.t0).toBeGreaterThan(now.getTime() / 1000);
  });
});

describe("activation rate limit", () => {
  async function recordActivations(actorId: string, count: number, oldest: Date, spacingMs: number) {
    await db.auditEvent.createMany({
      data: Array.from({ length: count }, (_, i) => ({ actorId, actorUpn: "admin", action: "Activate hardware token", createdAt: new Date(oldest.getTime() + i * spacingMs) })),
    });
  }

  it("allows 200 activations per admin in 5 minutes and says when the next one may start", async () => {
    const admin = await makeAdmin();
    const other = await makeAdmin();
    const now = new Date();
    // Older than the window: not counted.
    await recordActivations(admin.id!, 50, new Date(now.getTime() - 10 * 60_000), 1000);
    const oldest = new Date(now.getTime() - 4 * 60_000);
    await recordActivations(admin.id!, ACTIVATION_LIMIT - 1, oldest, 500);
    expect(await checkActivationRateLimit({ db, actorId: admin.id, now })).toEqual({ ok: true, remaining: 1 });

    // The 200th activation goes through…
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    expect(await activateHardwareTokenAsAdmin({ db, tokenId: token.id, code: tokenCode(token, now), actor: admin, now })).toMatchObject({ ok: true });

    // …the 201st is refused until the oldest counted one is 5 minutes old.
    const next = await makeToken({ userId: user.id, activate: false });
    const refused = await activateHardwareTokenAsAdmin({ db, tokenId: next.id, code: tokenCode(next, now), actor: admin, now });
    const retryAt = new Date(oldest.getTime() + 5 * 60_000);
    expect(refused).toEqual({
      ok: false,
      reason: `You have activated 200 tokens in the last 5 minutes, the limit per admin. Try again at ${retryAt.toISOString().slice(11, 19)} UTC (in 60 seconds).`,
    });
    expect(await stored(next.id)).toMatchObject({ status: "assigned", lastUsedStep: -1 });
    expect(await lastAudit("Activation rate limit reached", next.id)).toMatchObject({ actorId: admin.id, result: "failure" });
    expect(await checkActivationRateLimit({ db, actorId: admin.id, now: later(retryAt, 0.001) })).toMatchObject({ ok: true, remaining: 1 });

    // The limit is per admin.
    expect(await checkActivationRateLimit({ db, actorId: other.id, now })).toEqual({ ok: true, remaining: ACTIVATION_LIMIT });
  });
});

describe("token list", () => {
  /** Adds tokens with chosen serials under a manufacturer no other test uses, so rows are exact. */
  async function inventory() {
    const manufacturer = unique("Mfr");
    const prefix = unique("LT").toUpperCase();
    const alice = await makeUser({ upn: `${unique("a-")}@contoso.example` });
    const bob = await makeUser({ upn: `${unique("b-")}@contoso.example` });
    const admin = await makeAdmin();
    const add = async (suffix: string, model: string, userId: string | null) => {
      const secret = crypto.randomBytes(20);
      const token = { serialNumber: `${prefix}${suffix}`, manufacturer, model, secret, period: 30 as const, digits: 6 as const, algorithm: "SHA1" as const, t0: 0 };
      const created = await addHardwareToken({ db, token, assignToUserId: userId, actor: systemActor });
      return { id: created.id, ...token };
    };
    const t1 = await add("-001", "X1", null);
    const t2 = await add("-002", "X1", bob.id);
    const t3 = await add("-003", "X2", alice.id);
    const t4 = await add("-004", "X2", bob.id);
    const t5 = await add("-005", "X1", null);
    const now = new Date();
    await activateHardwareTokenAsAdmin({ db, tokenId: t3.id, code: tokenCode(t3, now), actor: admin, now });
    await activateHardwareTokenAsAdmin({ db, tokenId: t4.id, code: wrongCode(t4, now, 3000), actor: admin, now });
    // Distinct creation times, newest last, for the "created" sort.
    for (const [i, token] of [t1, t2, t3, t4, t5].entries()) {
      await db.hardwareToken.update({ where: { id: token.id }, data: { createdAt: new Date(Date.UTC(2026, 0, 1 + i)) } });
    }
    const serials = (rows: { serialNumber: string }[]) => rows.map((row) => row.serialNumber.slice(prefix.length));
    return { manufacturer, prefix, alice, bob, serials };
  }

  it("searches by serial (any case, prefix or part) and by UPN", async () => {
    const { manufacturer, prefix, alice, bob, serials } = await inventory();
    const byPrefix = await listHardwareTokens({ db, search: prefix.toLowerCase() });
    expect(serials(byPrefix.rows)).toEqual(["-001", "-002", "-003", "-004", "-005"]);
    expect(byPrefix.total).toBe(5);
    const byPart = await listHardwareTokens({ db, search: `${prefix.slice(3).toLowerCase()}-00`, manufacturer });
    expect(byPart.total).toBe(5);
    expect(serials((await listHardwareTokens({ db, search: "-003", manufacturer })).rows)).toEqual(["-003"]);

    const byUpn = await listHardwareTokens({ db, search: bob.upn.toUpperCase() });
    expect(serials(byUpn.rows)).toEqual(["-002", "-004"]);
    expect(byUpn.rows[0]).toMatchObject({ status: "assigned", manufacturer, model: "X1", period: 30, algorithm: "SHA1", digits: 6, user: { upn: bob.upn, displayName: "Test User" } });
    expect(byUpn.rows[1]).toMatchObject({ status: "failedActivation", user: { upn: bob.upn } });
    const aliceRows = (await listHardwareTokens({ db, search: alice.upn })).rows;
    expect(aliceRows).toHaveLength(1);
    expect(aliceRows[0]).toMatchObject({ status: "activated", activatedAt: expect.any(Date), lastUsedAt: expect.any(Date) });
    // Never the seed.
    expect(Object.keys(aliceRows[0])).not.toContain("encryptedSecret");
    expect(Object.keys(aliceRows[0])).not.toContain("secretFingerprint");
  });

  it("filters by status, manufacturer and model, and offers the filter values", async () => {
    const { manufacturer, serials } = await inventory();
    expect(serials((await listHardwareTokens({ db, manufacturer, status: "available" })).rows)).toEqual(["-001", "-005"]);
    expect(serials((await listHardwareTokens({ db, manufacturer, status: "activated" })).rows)).toEqual(["-003"]);
    expect(serials((await listHardwareTokens({ db, manufacturer, status: "failedActivation" })).rows)).toEqual(["-004"]);
    const x2 = await listHardwareTokens({ db, manufacturer, model: "X2" });
    expect(serials(x2.rows)).toEqual(["-003", "-004"]);
    expect(x2.models).toEqual(["X1", "X2"]);
    expect(x2.manufacturers).toContain(manufacturer);
    expect(x2.manufacturers).toContain("Feitian");
  });

  it("sorts by serial, status, user, last used, manufacturer/model and date added, either way", async () => {
    const { manufacturer, serials } = await inventory();
    const sorted = async (sort: "serial" | "status" | "user" | "lastUsed" | "manufacturer" | "created", direction: "asc" | "desc") =>
      serials((await listHardwareTokens({ db, manufacturer, sort, direction })).rows);
    expect(await sorted("serial", "desc")).toEqual(["-005", "-004", "-003", "-002", "-001"]);
    // activated < assigned < available < failedActivation; ties by serial.
    expect(await sorted("status", "asc")).toEqual(["-003", "-002", "-001", "-005", "-004"]);
    expect(await sorted("status", "desc")).toEqual(["-004", "-001", "-005", "-002", "-003"]);
    // Held tokens by UPN (a-… before b-…); where unassigned ones go depends on the database's NULL order.
    expect((await sorted("user", "asc")).filter((s) => !["-001", "-005"].includes(s))).toEqual(["-003", "-002", "-004"]);
    expect((await sorted("user", "desc")).filter((s) => !["-001", "-005"].includes(s))).toEqual(["-002", "-004", "-003"]);
    // Only -003 was ever used; never-used tokens come last either way.
    expect(await sorted("lastUsed", "desc")).toEqual(["-003", "-001", "-002", "-004", "-005"]);
    expect(await sorted("lastUsed", "asc")).toEqual(["-003", "-001", "-002", "-004", "-005"]);
    expect(await sorted("manufacturer", "asc")).toEqual(["-001", "-002", "-005", "-003", "-004"]);
    expect(await sorted("manufacturer", "desc")).toEqual(["-003", "-004", "-001", "-002", "-005"]);
    expect(await sorted("created", "desc")).toEqual(["-005", "-004", "-003", "-002", "-001"]);
    expect(await sorted("created", "asc")).toEqual(["-001", "-002", "-003", "-004", "-005"]);
  });

  it("pages 25, 50 or 100 at a time and clamps a page past the end", async () => {
    const manufacturer = unique("Mfr");
    const prefix = unique("PG").toUpperCase();
    for (let i = 1; i <= 27; i++) {
      const token = { serialNumber: `${prefix}-${String(i).padStart(2, "0")}`, manufacturer, model: "P1", secret: crypto.randomBytes(20), period: 30 as const, digits: 6 as const, algorithm: "SHA1" as const };
      await addHardwareToken({ db, token, actor: systemActor });
    }
    const first = await listHardwareTokens({ db, manufacturer, page: 1 });
    expect(first).toMatchObject({ total: 27, page: 1, pageSize: 25, pageCount: 2 });
    expect(first.rows.map((r) => r.serialNumber)).toEqual(Array.from({ length: 25 }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`));
    const second = await listHardwareTokens({ db, manufacturer, page: 2 });
    expect(second.rows.map((r) => r.serialNumber)).toEqual([`${prefix}-26`, `${prefix}-27`]);
    expect(await listHardwareTokens({ db, manufacturer, page: 99 })).toMatchObject({ page: 2, rows: second.rows });
    const fifty = await listHardwareTokens({ db, manufacturer, pageSize: 50 });
    expect(fifty).toMatchObject({ total: 27, pageCount: 1, pageSize: 50 });
    expect(fifty.rows).toHaveLength(27);
    // A page size not offered falls back to 25.
    expect((await listHardwareTokens({ db, manufacturer, pageSize: 7 as never })).rows).toHaveLength(25);
    expect(await listHardwareTokens({ db, manufacturer: unique("none") })).toMatchObject({ total: 0, page: 1, pageCount: 1, rows: [] });
  });
});

describe("permissions of the token actions (the table every action's validatedAction checks)", () => {
  const actionPermissions: Record<string, Permission> = {
    "list and find": "tokens.read",
    "assign, unassign, reassign": "tokens.assign",
    "activate and resync": "tokens.activate",
    delete: "tokens.delete",
  };
  const expected: Record<string, Record<string, boolean>> = {
    "Global Administrator": { "list and find": true, "assign, unassign, reassign": true, "activate and resync": true, delete: true },
    "Privileged Authentication Administrator": { "list and find": true, "assign, unassign, reassign": true, "activate and resync": true, delete: false },
    "Authentication Administrator": { "list and find": true, "assign, unassign, reassign": true, "activate and resync": true, delete: false },
    "Authentication Policy Administrator": { "list and find": true, "assign, unassign, reassign": false, "activate and resync": false, delete: true },
    "Helpdesk Administrator": { "list and find": true, "assign, unassign, reassign": false, "activate and resync": false, delete: false },
    "Security Reader": { "list and find": false, "assign, unassign, reassign": false, "activate and resync": false, delete: false },
    "(no role)": { "list and find": false, "assign, unassign, reassign": false, "activate and resync": false, delete: false },
  };
  for (const [role, cells] of Object.entries(expected)) {
    it(`${role}: ${Object.entries(cells).filter(([, allowed]) => allowed).map(([action]) => action).join("; ") || "nothing"}`, () => {
      const roles = role === "(no role)" ? [] : [role];
      for (const [action, allowed] of Object.entries(cells)) expect([action, rolesAllow(roles, actionPermissions[action])]).toEqual([action, allowed]);
    });
  }
});
