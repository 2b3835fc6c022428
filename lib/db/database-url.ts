import path from "node:path";
import { projectRoot, type DatabaseProvider } from "./schema-files";

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; filePath: string }
  | { provider: "postgresql"; url: string };

/** The embedded default: a SQLite file under data/, created on first start. */
export const dataDirectory = process.env.PORTAL_DATA_DIR
  ? path.resolve(process.env.PORTAL_DATA_DIR)
  : path.join(projectRoot, "data");

/**
 * Chooses the database from DATABASE_URL: `postgresql://…` (or `postgres://…`) for PostgreSQL,
 * `file:<path>` for a SQLite file, unset for the embedded default `data/portal.db`.
 */
export function resolveDatabaseTarget(databaseUrl = process.env.DATABASE_URL): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) {
    const filePath = path.join(dataDirectory, "portal.db");
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const filePath = path.resolve(projectRoot, url.slice("file:".length));
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  throw new Error(
    `DATABASE_URL must start with postgresql:// or file: (got "${url.split(":")[0]}:…"). Unset it to use the embedded SQLite database.`,
  );
}

export function providerOf(target: DatabaseTarget): DatabaseProvider {
  return target.provider;
}
