import Sqlite from "better-sqlite3";
import type { Database } from "../db/client";
import { resolveDatabaseTarget } from "../db/database-url";

/** Only what checking a code needs: the sealed seed and the token's own code parameters. */
export type SearchableTokenSeed = {
  id: string;
  encryptedSecret: string;
  algorithm: string;
  digits: number;
  period: number;
  t0: number;
  driftSteps: number;
};

/**
 * Every token with one of `statuses` (and `digits`, optionally one manufacturer), read in ONE
 * query with only the columns above. Prisma costs tens of microseconds per row it materialises —
 * seconds for 100,000 tokens — so SQLite is read through its own read-only better-sqlite3
 * connection to the same file (as the import writes through one) and PostgreSQL through one raw
 * query. Seeds stay sealed here; the caller decrypts them in memory only.
 */
export async function loadSearchableTokenSeeds(options: {
  db: Database;
  statuses: readonly string[];
  digits: number;
  manufacturer?: string;
}): Promise<SearchableTokenSeed[]> {
  const target = resolveDatabaseTarget();
  const parameters: (string | number)[] = [...options.statuses, options.digits];
  if (options.manufacturer !== undefined) parameters.push(options.manufacturer);
  const placeholder = (i: number) => (target.provider === "postgresql" ? `$${i + 1}` : "?");
  const statusList = options.statuses.map((_, i) => placeholder(i)).join(",");
  let sql = `SELECT "id", "encryptedSecret", "algorithm", "digits", "period", "t0", "driftSteps" FROM "HardwareToken" WHERE "status" IN (${statusList}) AND "digits" = ${placeholder(options.statuses.length)}`;
  if (options.manufacturer !== undefined) sql += ` AND "manufacturer" = ${placeholder(options.statuses.length + 1)}`;

  if (target.provider === "postgresql") return options.db.$queryRawUnsafe<SearchableTokenSeed[]>(sql, ...parameters);
  const sqlite = new Sqlite(target.filePath, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    return sqlite.prepare(sql).all(...parameters) as SearchableTokenSeed[];
  } finally {
    sqlite.close();
  }
}
