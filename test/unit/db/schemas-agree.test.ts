import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema, migrationsPathFor, schemaPathFor, sourceSchemaPath } from "../../../lib/db/schema-files";

/** model name → sorted "field type attributes" lines, ignoring blank lines and comments. */
function models(schema: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const match of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    result[match[1]] = match[2]
      .split("\n")
      .map((line) => line.trim().replace(/\s+/g, " "))
      .filter((line) => line && !line.startsWith("//"))
      .sort();
  }
  return result;
}

describe("the SQLite and PostgreSQL schemas", () => {
  const sqlite = fs.readFileSync(sourceSchemaPath, "utf8");
  const postgres = fs.readFileSync(schemaPathFor("postgresql"), "utf8");

  it("declare the same models and fields", () => {
    const a = models(sqlite);
    expect(Object.keys(a).length).toBeGreaterThanOrEqual(10);
    expect(models(postgres)).toEqual(a);
  });

  it("differ only where derived (run `npm run db:schemas` after editing prisma/schema.prisma)", () => {
    expect(postgres).toBe(derivePostgresSchema(sqlite));
    expect(postgres).toMatch(/provider = "postgresql"/);
  });

  it("each have migrations that create every model's table", () => {
    for (const provider of ["sqlite", "postgresql"] as const) {
      const dir = migrationsPathFor(provider);
      const sql = fs.readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => fs.readFileSync(`${dir}/${entry.name}/migration.sql`, "utf8"))
        .join("\n");
      for (const model of Object.keys(models(sqlite))) expect(sql, `${provider} ${model}`).toContain(`CREATE TABLE "${model}"`);
    }
  });
});
