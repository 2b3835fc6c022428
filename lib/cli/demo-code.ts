/** `npm run demo:code -- <serial>`: prints the code a demo hardware token shows now. */
import { getDb } from "../db/client";
import { demoTokenCode } from "../demo/demo-token-code";

async function main() {
  const serial = process.argv[2];
  if (!serial) {
    console.error("Usage: npm run demo:code -- <serial number>   (e.g. npm run demo:code -- FT20240002)");
    process.exit(2);
  }
  const result = await demoTokenCode({ db: getDb(), serialNumber: serial });
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  console.log(`${result.serialNumber}: ${result.code}  (changes in ${result.secondsLeft} s; next code ${result.nextCode})`);
  if (result.alreadyUsed) console.log(`This code was already used to sign in; wait ${result.secondsLeft} s and use the next one.`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
