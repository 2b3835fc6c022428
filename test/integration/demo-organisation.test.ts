import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { demoTokenCode } from "../../lib/demo/demo-token-code";
import { seedDemoOrganisation } from "../../lib/demo/seed-demo-organisation";
import { getSsprPolicy } from "../../lib/sspr/sspr-policy";
import { listMfaMethods } from "../../lib/methods/authentication-methods";
import { getAuthenticationMethodsPolicy } from "../../lib/policies/methods-policy";
import { makeToken } from "../support/factories";

const db = getDb();

// One file, in order: demo:code must refuse before the database becomes the demo.
describe("the demo organisation", () => {
  it("refuses to print codes of a database that is not the demo", async () => {
    const token = await makeToken({});
    const result = await demoTokenCode({ db, serialNumber: token.serialNumber });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/not the demo organisation/) });
  });

  it("is seeded through the product's services with random passwords and activated tokens", async () => {
    const now = new Date();
    const credentials = await seedDemoOrganisation({ db, now });
    expect(credentials.map((c) => c.upn)).toEqual([
      "admin@contoso.example", "alice@contoso.example", "bob@contoso.example", "dave@contoso.example", "carol@contoso.example",
    ]);
    const passwords = new Set(credentials.map((c) => c.password));
    expect(passwords.size).toBe(5);
    for (const password of passwords) expect(password).toMatch(/^[\w]{5}-[\w]{5}-[\w]{5}-[\w]{5}$/);

    const admin = await db.user.findUniqueOrThrow({ where: { upn: "admin@contoso.example" }, include: { roles: true }, omit: { passwordHash: false } });
    expect(admin.roles.map((r) => r.role)).toEqual(["Global Administrator"]);
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);

    const alice = await db.user.findUniqueOrThrow({ where: { upn: "alice@contoso.example" } });
    expect((await listMfaMethods({ db, userId: alice.id })).methods).toHaveLength(1);
    const dave = await db.user.findUniqueOrThrow({ where: { upn: "dave@contoso.example" } });
    expect((await listMfaMethods({ db, userId: dave.id })).methods).toHaveLength(0);
    expect(await db.hardwareToken.findFirstOrThrow({ where: { userId: dave.id } })).toMatchObject({ status: "assigned" });
    expect(await db.hardwareToken.count({ where: { serialNumber: { in: ["FT20240101", "FT20240102", "TK20240103"] }, status: "available", userId: null } })).toBe(3);
    expect(await db.auditEvent.count({ where: { action: "Activate hardware token", targetLabel: "FT20240002", result: "success" } })).toBe(1);
    // Temporary Access Pass is on for everyone, so the admin can get Carol (no method) in to register one.
    expect((await getAuthenticationMethodsPolicy({ db })).temporaryAccessPass).toMatchObject({ enabled: true, includeAllUsers: true });
    // Password reset is on for everyone with one method, so Alice can reset with her token.
    expect(await getSsprPolicy({ db })).toMatchObject({ enabledFor: "all", methodsRequired: 1, requireRegistration: false });

    const code = await demoTokenCode({ db, serialNumber: "FT20240002", now });
    expect(code).toMatchObject({ ok: true, serialNumber: "FT20240002", code: expect.stringMatching(/^\d{6}$/), alreadyUsed: true });
    const next = await demoTokenCode({ db, serialNumber: "FT20240002", now: new Date(now.getTime() + 30_000) });
    expect(next).toMatchObject({ ok: true, alreadyUsed: false });
  });
});
