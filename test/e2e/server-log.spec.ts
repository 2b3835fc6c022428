import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { decryptSecret } from "../../lib/crypto/secret-box";
import { encodeBase32 } from "../../lib/otp/base32";
import { db, SECRETS_FILE } from "./helpers";

// Runs after every other e2e spec (the "server log" teardown project in playwright.config.ts):
// the server's own output during the run (server.log, written by serve-fresh-portal.ts) holds no
// password, code (emailed ones included), TAP or seed the run used (S4, W5). `npm start` prints
// the demo passwords once before it serves, on purpose, so the log is read from the server's start on.

const dataDir = process.env.PORTAL_DATA_DIR ?? "";
const fixtures = path.join(__dirname, "..", "fixtures");

/** Seeds as they could leak: Base32 (upper and lower case), hex and Base64. */
function seedForms(seed: Buffer): string[] {
  const base32 = encodeBase32(seed);
  return [base32, base32.toLowerCase(), seed.toString("hex"), seed.toString("base64")];
}

async function everySecret(): Promise<{ secrets: string[]; registered: number; seeds: number }> {
  const registered = fs.existsSync(SECRETS_FILE)
    ? fs.readFileSync(SECRETS_FILE, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as string)
    : [];
  const stored = [
    ...(await db().hardwareToken.findMany({ select: { encryptedSecret: true } })),
    ...(await db().authenticatorApp.findMany({ select: { encryptedSecret: true } })),
  ];
  const seeds = stored.flatMap(({ encryptedSecret }) => seedForms(decryptSecret(encryptedSecret)));
  const fixtureTokens = JSON.parse(fs.readFileSync(path.join(fixtures, "tokens.json"), "utf8")) as { secretBase32: string; secretHex: string }[];
  const pskcKeys = Object.values(JSON.parse(fs.readFileSync(path.join(fixtures, "pskc", "keys.json"), "utf8")) as Record<string, { preSharedKeyHex?: string; passphrase?: string }>);
  const demoPasswords = fs.existsSync(path.join(dataDir, "demo-credentials.txt"))
    ? [...fs.readFileSync(path.join(dataDir, "demo-credentials.txt"), "utf8").matchAll(/^\s+\S+@\S+\s+(\S+)/gm)].map((match) => match[1]!)
    : [];
  // Email one-time codes went out through the outbox: every 6–8 digit number in a message is one.
  const mailed = (await db().outboxMessage.findMany({ select: { body: true } })).flatMap(({ body }) => body.match(/(?<![0-9])[0-9]{6,8}(?![0-9])/g) ?? []);
  const secrets = [
    ...registered,
    ...mailed,
    ...seeds,
    ...fixtureTokens.flatMap((token) => [token.secretBase32, token.secretHex]),
    ...pskcKeys.flatMap((key) => [key.preSharedKeyHex ?? "", key.passphrase ?? ""]),
    ...demoPasswords,
  ].filter((secret) => secret.length >= 6); // shorter strings are not secrets here (a typo'd "12" code)
  return { secrets: [...new Set(secrets)], registered: registered.length, seeds: stored.length };
}

/**
 * The secrets that occur in `text`: every substring of each secret length is looked up in a set,
 * so a run's hundreds of thousands of seeds cost one pass per length, not one search each.
 */
function secretsIn(text: string, secrets: string[]): string[] {
  const wanted = new Set(secrets);
  const lengths = [...new Set(secrets.map((secret) => secret.length))];
  const found = new Set<string>();
  for (let at = 0; at < text.length; at++) {
    for (const length of lengths) if (at + length <= text.length && wanted.has(text.slice(at, at + length))) found.add(text.slice(at, at + length));
  }
  // A code is digits only: it counts as a whole number, not inside a longer one (a timestamp).
  return [...found].filter((secret) => !/^\d+$/.test(secret) || new RegExp(`(?<![0-9])${secret}(?![0-9])`).test(text));
}

test("the server log holds none of the passwords, codes, TAPs and seeds the e2e run used", async () => {
  const log = fs.readFileSync(path.join(dataDir, "server.log"), "utf8");
  // From the server's start on (the start command prints "› Serving" once the server answers).
  const serving = log.indexOf("› Starting the server");
  expect(serving, "server.log captured the server's start").toBeGreaterThanOrEqual(0);
  const served = log.slice(serving);
  const { secrets, registered, seeds } = await everySecret();
  expect(registered, "the specs registered what they typed").toBeGreaterThan(0);
  expect(seeds, "the database holds seeds to look for").toBeGreaterThan(0);

  // The scan can fail: a secret planted in a copy of the log is found.
  expect(secretsIn(`${served}\nleaked: ${secrets[0]}\n`, secrets)).toContain(secrets[0]);
  const found = secretsIn(served, secrets);
  expect(found.map((secret) => `${secret.slice(0, 2)}… (${secret.length} characters)`)).toEqual([]);
  // Nor anything shaped like a password hash or a sealed seed.
  expect(served).not.toMatch(/\$argon2id\$/);
  console.log(`server log: ${served.length} characters after start, ${secrets.length} secrets looked for (${registered} registered by the specs, ${seeds} seeds)`);
});
