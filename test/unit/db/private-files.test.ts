import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadKey } from "../../../lib/crypto/key-file";
import { dataDirectory } from "../../../lib/db/database-url";
import { ensurePrivateDirectory, prepareSqliteFile } from "../../../lib/db/private-files";

// The data folder holds the database and the keys that decrypt token seeds: only its owner may
// read it, whatever the umask (a common 022 would leave new files readable by everyone).

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "portal-private-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe("the data folder's files", () => {
  it("are a 0700 folder and a 0600 SQLite file whose -wal and -shm files SQLite creates 0600 too", () => {
    const filePath = path.join(scratch, "new", "data", "portal.db");
    prepareSqliteFile(filePath);
    expect(modeOf(path.join(scratch, "new"))).toBe(0o700);
    expect(modeOf(path.dirname(filePath))).toBe(0o700);
    expect(modeOf(filePath)).toBe(0o600);

    const sqlite = new Sqlite(filePath);
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
    expect(fs.existsSync(`${filePath}-wal`)).toBe(true);
    expect(modeOf(`${filePath}-wal`)).toBe(0o600);
    expect(modeOf(`${filePath}-shm`)).toBe(0o600);
    sqlite.close();
  });

  it("narrows a database and its -wal and -shm files left readable by others", () => {
    const filePath = path.join(scratch, "old.db");
    for (const file of [filePath, `${filePath}-wal`, `${filePath}-shm`]) fs.writeFileSync(file, "", { mode: 0o644 });
    fs.chmodSync(filePath, 0o644);
    prepareSqliteFile(filePath);
    for (const file of [filePath, `${filePath}-wal`, `${filePath}-shm`]) expect(modeOf(file)).toBe(0o600);
  });

  it("leaves a folder that already exists as it is", () => {
    const folder = path.join(scratch, "shared");
    fs.mkdirSync(folder, { mode: 0o755 });
    fs.chmodSync(folder, 0o755);
    ensurePrivateDirectory(folder);
    expect(modeOf(folder)).toBe(0o755);
  });

  it("include generated keys, written 0600", () => {
    delete process.env.PORTAL_AUTH_KEY; // a key variable that is unset, so the file is made
    const key = loadKey({ envName: "PORTAL_AUTH_KEY", fileName: "private-files-test.key" });
    expect(key).toHaveLength(32);
    expect(modeOf(path.join(dataDirectory, "private-files-test.key"))).toBe(0o600);
    expect(loadKey({ envName: "PORTAL_AUTH_KEY", fileName: "private-files-test.key" }).equals(key)).toBe(true);
  });
});
