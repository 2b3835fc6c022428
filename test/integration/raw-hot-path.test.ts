// The code check's prepared statements (lib/db/raw-driver.ts) against the real database, on SQLite
// and PostgreSQL: they read and write the same values Prisma does, they never stall beside a Prisma
// transaction that holds the lock, the audit chain stays one chain when both write at once, and the
// engine gives the same answers through either path.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../lib/audit/audit-chain";
import { systemActor, writeAuditEvent } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { rawDriverOf, rawTime, readRawTime } from "../../lib/db/raw-driver";
import { acceptMfaSuccess, recordMfaFailure } from "../../lib/otp/lockout";
import { claimTimeStep } from "../../lib/otp/oath-credential";
import { timeStepAt } from "../../lib/otp/totp";
import { findUserForCodeCheck } from "../../lib/users/code-check-user";
import { verifyCodeForRelyingService } from "../../lib/verification-api/verify-code-for-relying-service";
import { makeToken, makeUser, tokenCode, unique, wrongCode } from "../support/factories";

const db = getDb();

/** Runs `work` with the hot path's prepared statements switched off (Prisma for everything). */
async function throughPrisma<T>(work: () => Promise<T>): Promise<T> {
  process.env.PORTAL_RAW_HOT_PATH = "0";
  try {
    return await work();
  } finally {
    delete process.env.PORTAL_RAW_HOT_PATH;
  }
}

describe("the code check's prepared statements (raw driver)", () => {
  it("exists for the process's client, and never for a transaction's", async () => {
    expect(rawDriverOf(db)).not.toBeNull();
    await db.$transaction(async (tx) => {
      expect(rawDriverOf(tx)).toBeNull();
      await tx.user.count();
    });
    expect(await throughPrisma(async () => rawDriverOf(db))).toBeNull();
  });

  it("writes and reads times and flags exactly as Prisma stores them", async () => {
    const raw = rawDriverOf(db)!;
    const user = await makeUser();
    const lockedUntil = new Date(Date.UTC(2031, 0, 2, 3, 4, 5, 678));
    await raw.execute(`UPDATE "User" SET "mfaLockedUntil" = ?, "enabled" = ? WHERE "id" = ?`, [rawTime(raw, lockedUntil), false, user.id]);
    const viaPrisma = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { mfaLockedUntil: true, enabled: true } });
    expect(viaPrisma).toEqual({ mfaLockedUntil: lockedUntil, enabled: false });

    const later = new Date(Date.UTC(2032, 5, 6, 7, 8, 9, 10));
    await db.user.update({ where: { id: user.id }, data: { mfaLockedUntil: later, enabled: true, mustChangePassword: true } });
    expect(await findUserForCodeCheck({ db, upn: user.upn })).toEqual({
      id: user.id, upn: user.upn, enabled: true, defaultMethod: null, mfaLockedUntil: later, mustChangePassword: true,
    });
    expect(await findUserForCodeCheck({ db, upn: user.upn })).toEqual(await throughPrisma(() => findUserForCodeCheck({ db, upn: user.upn })));
    expect(readRawTime(null)).toBeNull();
  });

  it("compares stored times in SQL as Prisma does: an expired lock lets a good code reset the run, a live one refuses it", async () => {
    const user = await makeUser();
    const now = new Date();
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 3, mfaLockedUntil: new Date(now.getTime() - 1_000) } });
    expect(await acceptMfaSuccess({ db, userId: user.id, now })).toBeNull();
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null, lastMfaAt: now });

    const until = new Date(now.getTime() + 60_000);
    await db.user.update({ where: { id: user.id }, data: { mfaLockedUntil: until } });
    expect(await acceptMfaSuccess({ db, userId: user.id, now })).toEqual(until);
    expect((await recordMfaFailure({ db, userId: user.id, now })).failedCount).toBe(1);
  });

  it("waits for a Prisma transaction that holds the write lock instead of stalling it, then claims the step once", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
    const step = timeStepAt({ now: new Date(), period: 30, t0: 0 });
    const ref = { kind: "hardwareToken" as const, id: token.id };
    let claims: Promise<boolean[]> | null = null;
    // Inside the transaction, after its first write (SQLite: the write lock is held from here to commit).
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { displayName: "Holding the lock" } });
      claims = Promise.all(Array.from({ length: 10 }, () => claimTimeStep({ db, ref, step, driftSteps: 0, now: new Date() })));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await tx.user.update({ where: { id: user.id }, data: { displayName: "Still holding it" } });
    });
    const results = await claims!;
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep).toBe(step);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).displayName).toBe("Still holding it");
  });

  it("keeps one audit chain while standalone events (prepared statements) and transactions' events (Prisma) are written at once", async () => {
    const action = unique("Raw and Prisma audit race ");
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? writeAuditEvent({ db, actor: systemActor, action, details: { i } })
          : db.$transaction((tx) => writeAuditEvent({ db: tx, actor: systemActor, action, details: { i } })),
      ),
    );
    const rows = await db.auditEvent.findMany({ where: { action }, select: { sequence: true } });
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.sequence)).size).toBe(40);
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();
  });

  it("gives the verification API's answers and rows through either path", async () => {
    for (const path of ["raw", "prisma"] as const) {
      const run = <T>(work: () => Promise<T>) => (path === "raw" ? work() : throughPrisma(work));
      const user = await makeUser();
      const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
      const code = tokenCode(token, new Date());
      const answers = await run(async () => [
        await verifyCodeForRelyingService({ db, upn: user.upn, code: wrongCode(token, new Date()) }),
        await verifyCodeForRelyingService({ db, upn: user.upn, code }),
        await verifyCodeForRelyingService({ db, upn: user.upn, code }),
      ]);
      expect(answers, path).toEqual([
        { result: "rejected", reason: "invalidCode" },
        { result: "accepted" },
        { result: "rejected", reason: "replayed" },
      ]);
      const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(stored.mfaFailedCount, path).toBe(0);
      expect(stored.lastMfaAt, path).not.toBeNull();
      const events = await db.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { sequence: "asc" }, select: { action: true, result: true } });
      expect(events.map((e) => e.action), path).toEqual(["Code verification by a relying service", "Verification code replayed"]);
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL?.startsWith("postgres"))("the prepared statements' names on PostgreSQL", () => {
  it("drivers from two copies of the module on one pooled connection don't clash", async () => {
    // The server process holds two copies of the module (Next.js's bundle, the provider's tsx copy);
    // today they share one driver, and this keeps names safe should each ever make its own.
    const secondCopy = "../../lib/db/raw-driver?second-copy";
    const copies: (typeof import("../../lib/db/raw-driver"))[] = [await import("../../lib/db/raw-driver"), await import(/* @vite-ignore */ secondCopy)];
    expect(copies[0]).not.toBe(copies[1]);
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    try {
      const [first, second] = copies.map((copy) => copy.pgRawDriver(pool));
      // Each copy's first statement, different texts, on the pool's one connection.
      expect(await first.query<{ n: number }>("SELECT 1 AS n", [])).toEqual([{ n: 1 }]);
      expect(await second.query<{ n: number }>("SELECT 2 AS n", [])).toEqual([{ n: 2 }]);
      expect(await first.query<{ n: number }>("SELECT 2 AS n", [])).toEqual([{ n: 2 }]);
    } finally {
      await pool.end();
    }
  });
});
