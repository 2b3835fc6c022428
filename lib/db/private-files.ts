import fs from "node:fs";
import path from "node:path";

/**
 * Creates a folder for the portal's data readable only by its owner (0700): it holds the SQLite
 * database and the keys that decrypt token seeds. A folder that already exists is left as it is.
 */
export function ensurePrivateDirectory(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
}

/**
 * Makes the SQLite file exist with mode 0600 before any connection opens it, in a private folder.
 * SQLite gives the `-wal` and `-shm` files it creates later the database file's own mode, so they
 * are 0600 too; ones left from an older start are narrowed here as well.
 */
export function prepareSqliteFile(filePath: string): void {
  ensurePrivateDirectory(path.dirname(filePath));
  fs.closeSync(fs.openSync(filePath, "a", 0o600));
  for (const file of [filePath, `${filePath}-wal`, `${filePath}-shm`]) {
    try {
      fs.chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}
