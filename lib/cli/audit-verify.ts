/** `npm run audit:verify`: checks the audit log's hash chain; exits 1 naming the first broken row. */
import { describeAuditChainVerification, verifyAuditChain } from "../audit/audit-chain";
import { getDb } from "../db/client";

async function main() {
  const result = await verifyAuditChain({ db: getDb() });
  const line = describeAuditChainVerification(result);
  if (result.firstBroken) {
    console.error(line);
    process.exit(1);
  }
  console.log(line);
  process.exit(0);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
