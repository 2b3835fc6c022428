import fs from "node:fs";
import path from "node:path";

/** The name in the portal's package.json: what marks the project's folder. */
const PACKAGE_NAME = "security-info-portal";

/**
 * The portal's folder: the nearest folder at or above `from` whose package.json is the portal's.
 * Found from the working directory, never from this module's location: the production build
 * rewrites `__dirname` and `import.meta.url` to "/ROOT/…", so inside `next start` they point
 * nowhere. npm runs every script in the package's folder, and `npm start` starts the server there.
 */
export function findProjectRoot(from: string = process.cwd()): string {
  // A folder known only at run time: the build must not trace the whole project because of it.
  const start = path.resolve(/*turbopackIgnore: true*/ from);
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (isPortalFolder(folder)) return folder;
    if (path.dirname(folder) === folder) break;
  }
  throw new Error(
    `${start} is not inside the security info portal's folder (no package.json named "${PACKAGE_NAME}" there or above). Run the portal's commands from its folder.`,
  );
}

function isPortalFolder(folder: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** Where the two Prisma schemas and their migration folders live (one per provider). */
export const projectRoot = findProjectRoot();
export const sourceSchemaPath = path.join(projectRoot, "prisma", "schema.prisma");

export type DatabaseProvider = "sqlite" | "postgresql";

export function schemaPathFor(provider: DatabaseProvider): string {
  return provider === "sqlite"
    ? sourceSchemaPath
    : path.join(projectRoot, "prisma", "postgresql", "schema.prisma");
}

export function migrationsPathFor(provider: DatabaseProvider): string {
  return path.join(projectRoot, "prisma", provider, "migrations");
}

/**
 * Derives the PostgreSQL schema text from the SQLite source: only the datasource and the
 * generated client's output differ, so the models are the same by construction.
 */
export function derivePostgresSchema(sqliteSchema: string): string {
  const body = sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:../data/portal.db"', 'url      = env("DATABASE_URL")')
    .replace('output     = "../node_modules/.prisma/client-sqlite"', 'output     = "../../node_modules/.prisma/client-postgresql"');
  return `// GENERATED from prisma/schema.prisma by \`npm run db:schemas\`: edit that file, not this one.\n${body}`;
}
