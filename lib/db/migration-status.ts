import fs from "node:fs";
import path from "node:path";
import type { Database } from "./client";
import { migrationsPathFor, type DatabaseProvider } from "./schema-files";

/** Prisma's record of applied migrations, as `prisma migrate deploy` keeps it. */
const HAS_MIGRATIONS_TABLE: Record<DatabaseProvider, string> = {
  sqlite: "SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
  postgresql: "SELECT COUNT(*) AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_prisma_migrations'",
};
export const APPLIED_MIGRATIONS = "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";

/**
 * The migrations of this checkout (`prisma/<provider>/migrations`) that the database has not
 * applied — all of them on an empty database, none after `npm run db:migrate`.
 */
export async function listPendingMigrations(options: { db: Database; provider: DatabaseProvider }): Promise<string[]> {
  const inCheckout = migrationsInCheckout(options.provider);
  const [table] = await options.db.$queryRawUnsafe<{ found: number | bigint }[]>(HAS_MIGRATIONS_TABLE[options.provider]);
  if (Number(table?.found ?? 0) === 0) return inCheckout.sort();
  const applied = new Set((await options.db.$queryRawUnsafe<{ migration_name: string }[]>(APPLIED_MIGRATIONS)).map((row) => row.migration_name));
  return inCheckout.filter((name) => !applied.has(name)).sort();
}

/** The migration folders of this checkout for a provider, by name. */
export function migrationsInCheckout(provider: DatabaseProvider): string[] {
  const folder = migrationsPathFor(provider);
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(folder, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}
