/**
 * `npm run backup -- <file>`: a consistent copy of the configured database (SQLite or PostgreSQL)
 * with its manifest, in one file (lib/operations/backup-file.ts), taken while the portal serves.
 * Exit code 0 when written, 1 when it failed, 2 on a usage error.
 */
import { keyFilePath, keysFromEnvironment } from "../crypto/key-file";
import { SECRET_KEY_SOURCE, secretKeyIds } from "../crypto/secret-box";
import { resolveDatabaseTarget } from "../db/database-url";
import { backupDatabase } from "../operations/database-backup";

/** Where the seed key lives, in words: the backup never holds it. */
function describeSecretKeyLocation(): string {
  return keysFromEnvironment(SECRET_KEY_SOURCE) ? "the PORTAL_SECRET_KEY environment variable" : keyFilePath(SECRET_KEY_SOURCE);
}

async function main() {
  const file = process.argv[2];
  if (!file || file.startsWith("--")) {
    console.error("Usage: npm run backup -- <file>   (a new file; the copy of the database configured by DATABASE_URL)");
    process.exit(2);
  }
  const target = resolveDatabaseTarget();
  const manifest = await backupDatabase({ filePath: file });
  const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0);
  console.log(`Backup of the ${target.provider} database written to ${file} (${manifest.payloadBytes} bytes of data, checksummed).`);
  console.log(`  schema: ${manifest.migrations.length} migrations, latest ${manifest.migrations.at(-1) ?? "none"}`);
  console.log(`  ${rows} rows in ${Object.keys(manifest.rowCounts).length} tables (${manifest.rowCounts.HardwareToken ?? 0} hardware tokens, ${manifest.rowCounts.User ?? 0} users); audit chain head: row ${manifest.auditChainHead.sequence}`);
  console.log(
    `Token seeds and app secrets in it stay sealed under key ${manifest.sealedWithKeyIds.join(", ") || secretKeyIds().current}. The key is NOT in the backup: it is in ${describeSecretKeyLocation()}. ` +
      "Keep a copy of that key apart from the backup: without it the copy is useless (no token can be used), and with it anyone holding the copy can read the seeds.",
  );
  process.exit(0);
}

main().catch((error: Error) => {
  console.error(`Backup failed: ${error.message}`);
  process.exit(1);
});
