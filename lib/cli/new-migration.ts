/**
 * `npm run db:new-migration -- <name>`: writes the SQL that takes the committed data model
 * (prisma/schema.prisma at git HEAD) to the edited one, for SQLite and PostgreSQL, into
 * prisma/<provider>/migrations/<timestamp>_<name>/. (`prisma migrate dev` needs a shadow database
 * the offline WASM engine can't create, so migrations are authored with `migrate diff`.)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { derivePostgresSchema, migrationsPathFor, projectRoot, schemaPathFor, sourceSchemaPath } from "../db/schema-files";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const prismaCli = path.join(projectRoot, "node_modules", "prisma", "build", "index.js");
const current = fs.readFileSync(sourceSchemaPath, "utf8");
fs.writeFileSync(schemaPathFor("postgresql"), derivePostgresSchema(current));
const committed = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { cwd: projectRoot, encoding: "utf8" });
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "portal-migration-"));
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

for (const provider of ["sqlite", "postgresql"] as const) {
  const from = path.join(temp, `${provider}.prisma`);
  fs.writeFileSync(from, provider === "sqlite" ? committed : derivePostgresSchema(committed));
  const sql = execFileSync(
    process.execPath,
    [prismaCli, "migrate", "diff", "--from-schema-datamodel", from, "--to-schema-datamodel", schemaPathFor(provider), "--script"],
    {
      cwd: projectRoot,
      encoding: "utf8",
      // migrate diff connects through the config's adapter even for two schema files.
      env: { ...process.env, DATABASE_URL: provider === "sqlite" ? `file:${path.join(temp, "diff.db")}` : (process.env.MIGRATION_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres") },
    },
  );
  const dir = path.join(migrationsPathFor(provider), `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  console.log(`Wrote ${path.relative(projectRoot, dir)}/migration.sql`);
}
