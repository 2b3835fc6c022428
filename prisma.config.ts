// Prisma CLI configuration. Uses the WASM schema engine ("js") through a driver adapter so that
// migrate works offline (no engine download); see ../shared/docs/platform.md.
import { defineConfig } from "prisma/config";
import { resolveDatabaseTarget } from "./lib/db/database-url";
import { prepareSqliteFile } from "./lib/db/private-files";
import { migrationsPathFor, schemaPathFor } from "./lib/db/schema-files";

const target = resolveDatabaseTarget();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: schemaPathFor(target.provider),
  migrations: { path: migrationsPathFor(target.provider) },
  async adapter() {
    if (target.provider === "postgresql") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: target.url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    prepareSqliteFile(target.filePath);
    return new PrismaBetterSQLite3({ url: target.filePath });
  },
});
