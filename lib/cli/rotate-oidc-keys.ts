/**
 * `npm run oidc:rotate-keys`: new ES256 and RS256 signing keys become current; the previous ones
 * stay in the JWKS until tokens they signed have expired. Running instances pick the new keys up
 * within a minute.
 */
import { systemActor } from "../audit/write-audit-event";
import { getDb } from "../db/client";
import { rotateSigningKeys } from "../oidc/signing-keys";

async function main() {
  const { retired, created } = await rotateSigningKeys({ db: getDb(), actor: systemActor, now: new Date() });
  console.log(`New signing keys: ${created.join(", ")}`);
  if (retired.length) console.log(`Retired (still published for 24 h): ${retired.join(", ")}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
