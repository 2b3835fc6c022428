import path from "node:path";
import { projectRoot, type DatabaseProvider } from "./schema-files";
import { setting } from "../shared/config";

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; filePath: string }
  | { provider: "postgresql"; url: string };

/**
 * The data folder (SQLite file, generated keys, demo credentials): PORTAL_DATA_DIR, a relative one
 * taken from the project's folder, else `data/` there — the same answer in every command and in the
 * server, whatever folder it runs in.
 */
export function resolveDataDirectory(options: { projectRoot: string; portalDataDir?: string }): string {
  const configured = options.portalDataDir?.trim();
  return configured ? path.resolve(options.projectRoot, configured) : path.join(options.projectRoot, "data");
}

export const dataDirectory = resolveDataDirectory({ projectRoot, portalDataDir: setting("PORTAL_DATA_DIR") });

/**
 * Chooses the database from DATABASE_URL: `postgresql://…` (or `postgres://…`) for PostgreSQL,
 * `file:<path>` for a SQLite file (a relative path is taken from the project's folder), unset for
 * the embedded default `portal.db` in the data folder. A SQLite target's URL is always absolute.
 */
export function resolveDatabaseTarget(
  databaseUrl = setting("DATABASE_URL"),
  folders: { projectRoot: string; dataDirectory: string } = { projectRoot, dataDirectory },
): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) {
    const filePath = path.join(folders.dataDirectory, "portal.db");
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const filePath = path.resolve(folders.projectRoot, url.slice("file:".length));
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  throw new Error(
    `DATABASE_URL must start with postgresql:// or file: (got "${url.split(":")[0]}:…"). Unset it to use the embedded SQLite database.`,
  );
}

export function providerOf(target: DatabaseTarget): DatabaseProvider {
  return target.provider;
}
