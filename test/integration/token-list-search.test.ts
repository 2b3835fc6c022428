import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { addHardwareToken } from "../../lib/tokens/add-hardware-token";
import { listHardwareTokens, listTokenModels } from "../../lib/tokens/list-hardware-tokens";
import { makeUser, unique } from "../support/factories";

// The token list's search looks up matching users first and counts serial and user matches as
// two disjoint parts (lib/tokens/list-hardware-tokens.ts): the totals must stay exact.
const db = getDb();

async function addToken(serialNumber: string, userId: string | null, manufacturer: string, model = "S1") {
  const token = { serialNumber, manufacturer, model, secret: crypto.randomBytes(20), period: 30, digits: 6, algorithm: "SHA1", t0: 0 } as const;
  return addHardwareToken({ db, token, assignToUserId: userId, actor: systemActor });
}

describe("token list search", () => {
  it("counts a token matching by serial and by its user's UPN once, and pages through the union in serial order", async () => {
    const term = unique("zq").toLowerCase();
    const manufacturer = unique("Make");
    const owner = await makeUser({ upn: `${term}@contoso.example` });
    // Matches by UPN only, by serial only, and by both.
    await addToken(`A-${unique("")}`, owner.id, manufacturer);
    await addToken(`B-${term.toUpperCase()}-1`, null, manufacturer);
    await addToken(`C-${term.toUpperCase()}-2`, owner.id, manufacturer);
    await addToken(`D-${unique("")}`, null, manufacturer);
    const all = await listHardwareTokens({ db, search: term, manufacturer });
    expect(all.total).toBe(3);
    expect(all.rows.map((row) => row.serialNumber[0])).toEqual(["A", "B", "C"]);
    // With a status filter both parts obey it.
    const available = await listHardwareTokens({ db, search: term, manufacturer, status: "available" });
    expect(available.total).toBe(1);
    expect(available.rows.map((row) => row.serialNumber[0])).toEqual(["B"]);
  });

  it("still finds tokens by UPN when more users match than it lists by id", async () => {
    const term = unique("many").toLowerCase();
    const manufacturer = unique("Make");
    const passwordHash = "not-a-real-hash";
    await db.user.createMany({ data: Array.from({ length: 1001 }, (_, i) => ({ upn: `${term}-${i}@contoso.example`, displayName: "Many", passwordHash })) });
    const holder = await db.user.findUniqueOrThrow({ where: { upn: `${term}-7@contoso.example` } });
    await addToken(`M-${unique("")}`, holder.id, manufacturer);
    await addToken(`N-${term.toUpperCase()}`, null, manufacturer);
    const found = await listHardwareTokens({ db, search: term, manufacturer });
    expect(found.total).toBe(2);
    expect(found.rows.map((row) => row.serialNumber[0])).toEqual(["M", "N"]);
  });

  it("offers every manufacturer once, in order, and the models of the chosen one", async () => {
    const first = unique("AaMake");
    const second = `${first}-b`;
    for (const [make, model] of [[second, "Z9"], [first, "M2"], [first, "M1"], [first, "M2"], [second, "A1"], [first, "M3"]]) {
      await addToken(unique("SN"), null, make, model);
    }
    const all = await listTokenModels({ db });
    expect(all.manufacturers.filter((make) => make.startsWith(first))).toEqual([first, second]);
    expect(all.manufacturers).toEqual([...new Set(all.manufacturers)]);
    expect(all.models).toEqual(expect.arrayContaining(["M1", "M2", "M3", "A1", "Z9"]));
    expect((await listTokenModels({ db, manufacturer: first })).models).toEqual(["M1", "M2", "M3"]);
    expect((await listTokenModels({ db, manufacturer: second })).models).toEqual(["A1", "Z9"]);
  });
});
