import crypto from "node:crypto";
import fs from "node:fs";
import { pipeline } from "node:stream/promises";

/**
 * The backup file: one file, so it can't lose a part on the way.
 *
 *     SECURITY-INFO-PORTAL-BACKUP 1\n
 *     <manifest: one line of JSON>\n
 *     <payload: manifest.payloadBytes bytes — a gzipped SQLite file or a pg_dump custom archive>
 *     \nSHA256 <64 hex digits>\n
 *
 * The last line is the SHA-256 of every byte before it, and the manifest records the payload's
 * own length and SHA-256: a truncated, shortened or altered file is refused with that reason
 * before anything is restored.
 */
const MAGIC = "SECURITY-INFO-PORTAL-BACKUP 1\n";
const TRAILER_BYTES = "\nSHA256 ".length + 64 + 1;

export type BackupManifest = {
  format: "security-info-portal-backup";
  version: 1;
  createdAt: string;
  provider: "sqlite" | "postgresql";
  /** sqlite-gzip: the database file, gzipped; pg-dump-custom: `pg_dump --format=custom`. */
  payloadEncoding: "sqlite-gzip" | "pg-dump-custom";
  payloadBytes: number;
  payloadSha256: string;
  /** The schema version: every migration applied to the copy, by name. */
  migrations: string[];
  /** Rows per table in the copy (the same snapshot as the payload). */
  rowCounts: Record<string, number>;
  /** The audit chain's head in the copy: its last position and hash. */
  auditChainHead: { sequence: number; hash: string };
  /** Ids (never the keys) of the seed keys the copy's sealed values need: `v1` = sealed before key ids. */
  sealedWithKeyIds: string[];
};

export class BackupFileError extends Error {}

async function sha256OfFile(filePath: string, range?: { start: number; end: number }): Promise<string> {
  const hash = crypto.createHash("sha256");
  // An empty range (end < start) hashes nothing; createReadStream would read the whole file.
  if (!range || range.end >= range.start) {
    for await (const chunk of fs.createReadStream(filePath, range)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

/** Writes the backup file from a payload file; refuses to overwrite an existing file. */
export async function writeBackupFile(options: { filePath: string; manifest: Omit<BackupManifest, "payloadBytes" | "payloadSha256">; payloadPath: string }): Promise<BackupManifest> {
  const payloadBytes = fs.statSync(options.payloadPath).size;
  const manifest: BackupManifest = { ...options.manifest, payloadBytes, payloadSha256: await sha256OfFile(options.payloadPath) } as BackupManifest;
  const head = Buffer.from(`${MAGIC}${JSON.stringify(manifest)}\n`);
  const whole = crypto.createHash("sha256").update(head);
  const out = fs.createWriteStream(options.filePath, { flags: "wx", mode: 0o600 });
  await new Promise<void>((resolve, reject) => {
    out.once("open", () => resolve());
    out.once("error", reject);
  });
  out.write(head);
  await pipeline(
    fs.createReadStream(options.payloadPath),
    async function* (source) {
      for await (const chunk of source) {
        whole.update(chunk as Buffer);
        yield chunk;
      }
      yield Buffer.from(`\nSHA256 ${whole.digest("hex")}\n`);
    },
    out,
  );
  return manifest;
}

/**
 * Checks a backup file end to end (checksum over the whole file, then the payload's own length
 * and SHA-256) and returns its manifest and where the payload lies. Throws BackupFileError with
 * the reason otherwise.
 */
export async function readBackupFile(filePath: string): Promise<{ manifest: BackupManifest; payload: { start: number; end: number } }> {
  let size: number;
  try {
    size = fs.statSync(filePath).size;
  } catch {
    throw new BackupFileError(`No backup file at ${filePath}.`);
  }
  const fd = fs.openSync(filePath, "r");
  try {
    const start = Buffer.alloc(Math.min(size, 64 * 1024));
    fs.readSync(fd, start, 0, start.length, 0);
    if (!start.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) throw new BackupFileError(`${filePath} is not a portal backup (it doesn't start with "${MAGIC.trim()}").`);
    const manifestEnd = start.indexOf(0x0a, MAGIC.length);
    if (manifestEnd < 0) throw new BackupFileError(`${filePath} is damaged or truncated: its manifest line is incomplete.`);
    if (size < manifestEnd + 1 + TRAILER_BYTES) throw new BackupFileError(`${filePath} is truncated: it ends before its checksum line.`);
    const trailer = Buffer.alloc(TRAILER_BYTES);
    fs.readSync(fd, trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    const match = /^\nSHA256 ([0-9a-f]{64})\n$/.exec(trailer.toString("latin1"));
    if (!match) throw new BackupFileError(`${filePath} is truncated or damaged: its last line is not the checksum line.`);
    const computed = await sha256OfFile(filePath, { start: 0, end: size - TRAILER_BYTES - 1 });
    if (computed !== match[1]) throw new BackupFileError(`${filePath} was altered or damaged: its checksum doesn't match its content (recorded ${match[1].slice(0, 12)}…, computed ${computed.slice(0, 12)}…).`);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(start.subarray(MAGIC.length, manifestEnd).toString("utf8")) as BackupManifest;
    } catch {
      throw new BackupFileError(`${filePath} has a manifest that isn't valid JSON.`);
    }
    if (manifest.format !== "security-info-portal-backup" || manifest.version !== 1) throw new BackupFileError(`${filePath} is a backup format this portal doesn't read (${manifest.format} ${manifest.version}).`);
    const payload = { start: manifestEnd + 1, end: size - TRAILER_BYTES - 1 };
    if (payload.end - payload.start + 1 !== manifest.payloadBytes) throw new BackupFileError(`${filePath} is damaged: its payload is ${payload.end - payload.start + 1} bytes, the manifest says ${manifest.payloadBytes}.`);
    if ((await sha256OfFile(filePath, payload)) !== manifest.payloadSha256) throw new BackupFileError(`${filePath} is damaged: its payload doesn't match the manifest's checksum.`);
    return { manifest, payload };
  } finally {
    fs.closeSync(fd);
  }
}
