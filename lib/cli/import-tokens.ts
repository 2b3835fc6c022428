/**
 * `npm run tokens:import -- <file> [--psk <hex>] [--passphrase <p>] [--accept-expired]`: imports a
 * token file through the same service as the admin console's upload, and prints the same counts
 * and failures. `--accept-expired` imports PSKC keys whose ExpiryDate is past (audited). Exit code 0 when the file was read (even with failed rows), 1 when it was refused.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getDb } from "../db/client";
import { storeTokenUpload } from "../tokens/import/store-token-upload";
import { runTokenImport } from "../tokens/import/run-token-import";
import { getTokenImport } from "../tokens/import/token-import-results";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

async function main() {
  const file = process.argv[2];
  if (!file || file.startsWith("--")) {
    console.error("Usage: npm run tokens:import -- <file.csv|file.xml> [--psk <hex key>] [--passphrase <passphrase>] [--accept-expired]");
    process.exit(2);
  }
  if (!fs.existsSync(file)) {
    console.error(`No such file: ${file}`);
    process.exit(2);
  }
  const db = getDb();
  const actor = { id: null, upn: `cli:${os.userInfo().username}` };
  const { importId } = await storeTokenUpload({
    db,
    fileName: path.basename(file),
    body: fs.createReadStream(file),
    keyMaterial: { preSharedKeyHex: option("--psk"), passphrase: option("--passphrase") },
    acceptExpired: process.argv.includes("--accept-expired"),
    actor,
  });
  const outcome = await runTokenImport({ db, importId });
  const result = await getTokenImport({ db, importId, failuresShown: 1000 });
  if (!result) throw new Error("The upload result disappeared.");
  if (outcome === "failed") {
    console.error(`Refused: ${result.errorMessage}`);
    process.exit(1);
  }
  console.log(`${result.fileName}: ${result.importedCount} imported, ${result.alreadyPresentCount} already present, ${result.failedCount} failed`);
  for (const failure of result.failures) console.log(`  line ${failure.line}\t${failure.serialNumber || "-"}\t${failure.reason}`);
  if (result.failedCount > result.failures.length) console.log(`  … and ${result.failedCount - result.failures.length} more (download them from the admin console).`);
  await db.$disconnect();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
