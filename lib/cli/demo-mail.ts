/** `npm run demo:mail -- <upn or address>`: prints the latest mail of a demo user (e.g. a password-reset code). */
import { getDb } from "../db/client";
import { demoMailFor } from "../demo/demo-mailbox";

async function main() {
  const who = process.argv[2];
  if (!who) {
    console.error("Usage: npm run demo:mail -- <UPN or email address>   (e.g. npm run demo:mail -- alice@contoso.example)");
    process.exit(2);
  }
  const result = await demoMailFor({ db: getDb(), who });
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  if (result.messages.length === 0) {
    console.log(`No mail to ${result.addresses.join(" or ")} yet.`);
    return;
  }
  console.log(`Latest mail to ${result.addresses.join(" or ")}, newest first:`);
  for (const message of result.messages) {
    console.log(`\n── ${message.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC · to ${message.to}\nSubject: ${message.subject}\n\n${message.body}`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
