/**
 * `npm run keys:rotate -- [--new-key | --status | --retire <key id>] [--batch-size <n>]`
 * (README, Key rotation). Without an option: re-seals every sealed value under the newest key of
 * PORTAL_SECRET_KEY (or data/secret.key), in batches, resumable; then says how many still use an
 * older key. Exit code 0 when done, 1 when something is refused or failed, 2 on a usage error.
 */
import crypto from "node:crypto";
import os from "node:os";
import { keyFilePath, keyId, keysFromEnvironment, loadKeys, writeKeyFile } from "../crypto/key-file";
import { reloadSecretKeys, SECRET_KEY_SOURCE, secretKeyIds } from "../crypto/secret-box";
import { getDb } from "../db/client";
import { checkKeyRetirement, countSealedValues, resealUnderCurrentKey, type SealedValueCounts } from "../operations/secret-key-rotation";

const USAGE = "Usage: npm run keys:rotate -- [--new-key | --status | --retire <key id>] [--batch-size <n>]";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

function describeCounts(counts: SealedValueCounts): string {
  const keys = secretKeyIds().all.join(", ");
  if (counts.totalRemaining === 0) return `Every sealed value uses the newest key ${counts.currentKeyId} (keys configured, newest first: ${keys}).`;
  const perKey = Object.entries(counts.byKey).map(([key, count]) => `${count} under ${key === "v1" ? "an unrecorded key (sealed before key ids)" : `key ${key}`}`);
  return `${counts.totalRemaining} sealed values still use an older key (${perKey.join(", ")}); the newest is ${counts.currentKeyId} (keys configured: ${keys}).`;
}

async function main() {
  const db = getDb();
  const actor = { id: null, upn: `cli:${os.userInfo().username}` };

  if (process.argv.includes("--new-key")) {
    if (keysFromEnvironment(SECRET_KEY_SOURCE)) {
      console.error(
        "PORTAL_SECRET_KEY is set, so the keys are yours to change: generate one (openssl rand -base64 32), set PORTAL_SECRET_KEY=<new>,<old> on every instance, restart them, then run npm run keys:rotate.",
      );
      process.exit(1);
    }
    const keys = loadKeys(SECRET_KEY_SOURCE);
    const fresh = crypto.randomBytes(32);
    writeKeyFile({ ...SECRET_KEY_SOURCE, keys: [fresh, ...keys] });
    console.log(`Added key ${keyId(fresh)} at the top of ${keyFilePath(SECRET_KEY_SOURCE)} (older keys kept below it).`);
    console.log("Restart the portal so it seals new values with it, then run npm run keys:rotate to re-seal the rest.");
    process.exit(0);
  }

  const retiring = option("--retire");
  if (process.argv.includes("--retire")) {
    if (!retiring) {
      console.error(USAGE);
      process.exit(2);
    }
    const check = await checkKeyRetirement({ db, keyId: retiring });
    if (!check.allowed) {
      console.error(`Key ${retiring} can't be retired yet: ${check.reasons.join("; ")}.`);
      process.exit(1);
    }
    if (keysFromEnvironment(SECRET_KEY_SOURCE)) {
      console.log(`Nothing uses key ${retiring} any more: remove it from PORTAL_SECRET_KEY on every instance and restart them.`);
    } else {
      const keys = loadKeys(SECRET_KEY_SOURCE).filter((key) => keyId(key) !== retiring);
      writeKeyFile({ ...SECRET_KEY_SOURCE, keys });
      console.log(`Retired key ${retiring}: removed from ${keyFilePath(SECRET_KEY_SOURCE)}. Restart the portal so it forgets it.`);
    }
    process.exit(0);
  }

  if (process.argv.includes("--status")) {
    console.log(describeCounts(await countSealedValues({ db })));
    process.exit(0);
  }

  const batchSize = Number(option("--batch-size") ?? 500);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5_000) {
    console.error(`--batch-size must be a whole number from 1 to 5000. ${USAGE}`);
    process.exit(2);
  }
  reloadSecretKeys();
  console.log(`Re-sealing every value under key ${secretKeyIds().current}, ${batchSize} at a time (safe to stop and run again).`);
  const { resealed, counts } = await resealUnderCurrentKey({
    db,
    actor,
    batchSize,
    onBatch: ({ column, resealed: moved }) => console.log(`  ${column}: ${moved} re-sealed`),
  });
  console.log(`Re-sealed ${resealed} values. ${describeCounts(counts)}`);
  process.exit(counts.totalRemaining === 0 ? 0 : 1);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
