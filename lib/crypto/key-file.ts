import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDirectory } from "../db/database-url";
import { ensurePrivateDirectory } from "../db/private-files";

/**
 * Reads a 32-byte key from a base64 environment variable or, for the embedded default, from a
 * file under data/ that is generated on first use with mode 0600 (readable only by the owner).
 * Several app instances must share the environment variable: a generated file is per machine.
 */
export function loadKey(options: { envName: string; fileName: string }): Buffer {
  const fromEnv = process.env[options.envName];
  if (fromEnv) {
    const key = Buffer.from(fromEnv, "base64");
    if (key.length !== 32) {
      throw new Error(`${options.envName} must be 32 bytes, base64-encoded (openssl rand -base64 32).`);
    }
    return key;
  }
  const filePath = path.join(dataDirectory, options.fileName);
  try {
    return decodeKeyFile(filePath, fs.readFileSync(filePath, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  ensurePrivateDirectory(dataDirectory);
  const key = crypto.randomBytes(32);
  try {
    // "wx": two processes starting at once must not both write a different key.
    fs.writeFileSync(filePath, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return decodeKeyFile(filePath, fs.readFileSync(filePath, "utf8"));
  }
}

function decodeKeyFile(filePath: string, text: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) throw new Error(`${filePath} does not hold a 32-byte base64 key.`);
  return key;
}
