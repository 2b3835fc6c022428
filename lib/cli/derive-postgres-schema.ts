/** Writes prisma/postgresql/schema.prisma from the SQLite source schema. */
import fs from "node:fs";
import { derivePostgresSchema, schemaPathFor, sourceSchemaPath } from "../db/schema-files";

const target = schemaPathFor("postgresql");
fs.writeFileSync(target, derivePostgresSchema(fs.readFileSync(sourceSchemaPath, "utf8")));
console.log(`Wrote ${target}`);
