import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../lib/crypto/secret-box";
import { getDb, isPostgres } from "../../lib/db/client";
import { resolveDatabaseTarget } from "../../lib/db/database-url";
import { encodeBase32 } from "../../lib/otp/base32";
import { makeToken, makeUser } from "../support/factories";

const db = getDb();

describe("seeds and passwords at rest (S4, A3)", () => {
  it("stores seeds only encrypted, and ordinary queries never return them", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id });
    const plain = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(plain).not.toHaveProperty("encryptedSecret");
    expect(plain).not.toHaveProperty("secretFingerprint");
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).not.toHaveProperty("passwordHash");

    const sealed = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id }, select: { encryptedSecret: true } });
    expect(sealed.encryptedSecret).toMatch(/^v2:[0-9a-f]{8}:/);
    expect(decryptSecret(sealed.encryptedSecret).equals(token.secret)).toBe(true);
  });

  // The file scan needs the SQLite file; on PostgreSQL the columns are checked above.
  it.skipIf(isPostgres())("leaves no seed in clear in the database file (Base32, hex or raw)", async () => {
    const target = resolveDatabaseTarget();
    if (target.provider !== "sqlite") throw new Error("expected SQLite");
    const user = await makeUser();
    const tokens = await Promise.all([1, 2, 3].map(() => makeToken({ userId: user.id })));
    await db.$queryRawUnsafe("PRAGMA wal_checkpoint(FULL)");
    const file = fs.readFileSync(target.filePath);
    for (const token of tokens) {
      expect(file.includes(token.secret)).toBe(false);
      expect(file.includes(Buffer.from(encodeBase32(token.secret)))).toBe(false);
      expect(file.includes(Buffer.from(token.secret.toString("hex")))).toBe(false);
      expect(file.includes(Buffer.from(token.secret.toString("base64")))).toBe(false);
    }
  });
});
