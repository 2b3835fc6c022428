import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { PrismaOidcAdapter } from "../../lib/oidc/provider-adapter";
import { unique } from "../support/factories";

// oidc-provider's storage on the real database: what two instances see of the same rows.
const db = getDb();

describe("the provider's Prisma adapter", () => {
  it("consumes a code once: of two instances consuming it at once, one wins; the other is refused and the grant's tokens are revoked", async () => {
    const grantId = unique("grant");
    const codeId = unique("code");
    const onA = new PrismaOidcAdapter("AuthorizationCode");
    const onB = new PrismaOidcAdapter("AuthorizationCode");
    await onA.upsert(codeId, { grantId, accountId: "user" }, 60);
    await new PrismaOidcAdapter("AccessToken").upsert(unique("token"), { grantId, accountId: "user" }, 3600);
    const outcomes = await Promise.allSettled([onA.consume(codeId), onB.consume(codeId)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refusal = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refusal.reason).toMatchObject({ error: "invalid_grant" });
    expect(await db.oidcPayload.count({ where: { grantId } })).toBe(0);
  });

  it("reads a consumed code as consumed, and an expired row as absent", async () => {
    const adapter = new PrismaOidcAdapter("AuthorizationCode");
    const id = unique("code");
    await adapter.upsert(id, { grantId: unique("grant") }, 60);
    await adapter.consume(id);
    expect((await adapter.find(id))?.consumed).toEqual(expect.any(Number));
    const expired = unique("code");
    await adapter.upsert(expired, { grantId: unique("grant") }, 60);
    await db.oidcPayload.update({ where: { key: `AuthorizationCode:${expired}` }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await adapter.find(expired)).toBeUndefined();
  });
});
