import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../db/schema-files";

const SOURCES = ["app", "components", "lib", "public", "auth.ts", "proxy.ts", "instrumentation.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const STAMP_FILE = path.join(projectRoot, ".next", "portal-source-hash");

function hashTree(hash: crypto.Hash, entry: string): void {
  const full = path.join(projectRoot, entry);
  if (!fs.existsSync(full)) return;
  const stat = fs.statSync(full);
  if (stat.isDirectory()) {
    for (const child of fs.readdirSync(full).sort()) hashTree(hash, path.join(entry, child));
    return;
  }
  hash.update(entry).update(fs.readFileSync(full));
}

/** A hash of everything `next build` reads, to tell whether the current build is up to date. */
export function sourceHash(): string {
  const hash = crypto.createHash("sha256");
  for (const entry of SOURCES) hashTree(hash, entry);
  return hash.digest("hex");
}

export function buildIsCurrent(): boolean {
  return fs.existsSync(path.join(projectRoot, ".next", "BUILD_ID")) && fs.existsSync(STAMP_FILE) && fs.readFileSync(STAMP_FILE, "utf8") === sourceHash();
}

export function recordBuild(): void {
  fs.writeFileSync(STAMP_FILE, sourceHash());
}
