import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDirectory } from "../db/database-url";
import { ensurePrivateDirectory } from "../db/private-files";
import { setting } from "../shared/config";

export type KeySource = { envName: "PORTAL_SECRET_KEY" | "PORTAL_AUTH_KEY" | "PASSWORD_RESET_CAPTCHA_KEY"; fileName: string };

/**
 * Reads a key list — newest first — from a base64 environment variable (several keys separated by
 * commas) or, for the embedded default, from a file under data/ (one base64 key a line, newest
 * first) that is generated with one key on first use, mode 0600 (readable only by the owner).
 * The newest key seals, signs and hashes; every key in the list opens and verifies, so values made
 * under an older key keep working while a key is rotated (README, Key rotation). Several app
 * instances must share the environment variable: a generated file is per machine.
 */
export function loadKeys(options: KeySource): Buffer[] {
  const fromEnv = setting(options.envName);
  if (fromEnv) {
    return decodeKeyList(splitSecretList(fromEnv), `${options.envName} must be 32-byte base64 keys (openssl rand -base64 32), newest first, separated by commas.`);
  }
  const filePath = keyFilePath(options);
  try {
    return decodeKeyFile(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  ensurePrivateDirectory(dataDirectory);
  const key = crypto.randomBytes(32);
  try {
    // "wx": two processes starting at once must not both write a different key.
    fs.writeFileSync(filePath, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    return [key];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return decodeKeyFile(filePath);
  }
}

/** The newest key of the list: the one new values are sealed, signed or hashed with. */
export function loadKey(options: KeySource): Buffer {
  return loadKeys(options)[0];
}

/** Where the generated key list lives when the environment variable is unset. */
export function keyFilePath(options: KeySource): string {
  return path.join(dataDirectory, options.fileName);
}

/** Whether the key list comes from the environment (then only the operator can change it). */
export function keysFromEnvironment(options: KeySource): boolean {
  return Boolean(setting(options.envName));
}

/** Writes a key list to the key file (newest first), replacing it atomically, mode 0600. */
export function writeKeyFile(options: KeySource & { keys: Buffer[] }): void {
  ensurePrivateDirectory(dataDirectory);
  const filePath = keyFilePath(options);
  const temporary = `${filePath}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, options.keys.map((key) => key.toString("base64")).join("\n") + "\n", { mode: 0o600 });
  fs.renameSync(temporary, filePath);
}

/** A short public name of a key (not the key): what a sealed value records to say which key sealed it. */
export function keyId(key: Buffer): string {
  return crypto.createHash("sha256").update("portal-key-id\0").update(key).digest("hex").slice(0, 8);
}

function decodeKeyFile(filePath: string): Buffer[] {
  const lines = fs.readFileSync(filePath, "utf8").split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return decodeKeyList(lines, `${filePath} must hold 32-byte base64 keys, one a line, newest first.`);
}

/** Base64 keys (an environment variable's comma-separated list, or a key file's lines), each 32 bytes. */
function decodeKeyList(parts: string[], message: string): Buffer[] {
  const keys = parts.map((part) => Buffer.from(part, "base64"));
  if (keys.length === 0 || keys.some((key) => key.length !== 32)) throw new Error(message);
  return keys;
}

/** A secret list as configured: comma-separated, newest first (blank entries dropped). */
export function splitSecretList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}
