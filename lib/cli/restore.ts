/**
 * `npm run restore -- <file>`: restores a backup made by `npm run backup` into the database
 * DATABASE_URL names, which must be empty; then checks the manifest's counts and the audit chain.
 * Exit code 0 when restored and verified, 1 when refused or failed, 2 on a usage error.
 */
import { resolveDatabaseTarget } from "../db/database-url";
import { restoreDatabase, RestoreRefused } from "../operations/database-restore";

async function main() {
  const file = process.argv[2];
  if (!file || file.startsWith("--")) {
    console.error("Usage: npm run restore -- <backup file>   (into the empty database DATABASE_URL names)");
    process.exit(2);
  }
  const target = resolveDatabaseTarget();
  const result = await restoreDatabase({ filePath: file });
  const rows = Object.values(result.manifest.rowCounts).reduce((sum, count) => sum + count, 0);
  console.log(`Restored the backup of ${result.manifest.createdAt} into the ${target.provider} database ${target.provider === "sqlite" ? target.filePath : "in DATABASE_URL"}.`);
  console.log(`  ${rows} rows in ${Object.keys(result.manifest.rowCounts).length} tables: every count matches the manifest.`);
  console.log(`  ${result.auditChainLine}`);
  if (result.pendingMigrations.length > 0) console.log(`  ${result.pendingMigrations.length} newer migrations of this checkout are not applied yet: npm start (or npm run db:migrate) applies them.`);
  process.exit(0);
}

main().catch((error: Error) => {
  console.error(error instanceof RestoreRefused ? `Restore refused: ${error.message}` : `Restore failed: ${error.message}`);
  process.exit(1);
});
