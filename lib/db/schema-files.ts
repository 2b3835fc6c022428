import path from "node:path";

/** Where the two Prisma schemas and their migration folders live (one per provider). */
export const projectRoot = path.resolve(__dirname, "..", "..");
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
