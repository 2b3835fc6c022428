// What `import "server-only"` would promise, checked for every module: nothing a browser bundle
// loads reaches the database, the keys or the secrets. The package itself can't be used in
// lib/<domain>/: it throws outside React's server condition, and the OpenID Connect provider, the
// RADIUS server and every CLI load those modules in plain Node (lib/server/serve-portal.mjs,
// lib/cli). So this test walks the value imports (type-only imports are erased) from every
// "use client" module and fails on any path into server-only code.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

/** `server`: a "use server" module — a client imports references to its actions, never its code. */
type SourceModule = { file: string; client: boolean; server?: boolean; imports: string[] };

/** Modules that hold or reach secrets: the database, keys, the Next.js glue, operations, Auth.js. */
const SERVER_ONLY_FILE = /^(lib\/(db|crypto|server|operations)\/|auth\.ts$)/;
const SERVER_ONLY_PACKAGE = /^(server-only|better-sqlite3|pg|@prisma\/|@node-rs\/argon2|node:fs|fs|node:child_process|child_process)(\/|$)/;

export function clientBundleViolations(modules: SourceModule[]): string[] {
  const byFile = new Map(modules.map((entry) => [entry.file, entry]));
  const resolve = (from: string, specifier: string): string | null => {
    const base = specifier.startsWith("@/") ? specifier.slice(2) : specifier.startsWith(".") ? path.posix.join(path.posix.dirname(from), specifier) : null;
    if (base === null) return null;
    const normal = path.posix.normalize(base);
    return [normal, ...[".ts", ".tsx", ".mts", ".mjs", "/index.ts", "/index.tsx"].map((ext) => normal + ext)].find((candidate) => byFile.has(candidate)) ?? null;
  };
  const violations: string[] = [];
  for (const start of modules.filter((entry) => entry.client)) {
    const seen = new Set<string>([start.file]);
    const queue: string[][] = [[start.file]];
    while (queue.length) {
      const trail = queue.shift()!;
      const current = byFile.get(trail[trail.length - 1])!;
      if (current.server) continue;
      const found = SERVER_ONLY_FILE.test(current.file) ? undefined : current.imports.find((specifier) => SERVER_ONLY_PACKAGE.test(specifier));
      if (found || SERVER_ONLY_FILE.test(current.file)) {
        violations.push(`${trail.join(" → ")}${found ? ` → ${found}` : ""}: a "use client" module reaches server-only code`);
        break;
      }
      for (const specifier of current.imports) {
        const target = resolve(current.file, specifier);
        if (target && !seen.has(target)) {
          seen.add(target);
          queue.push([...trail, target]);
        }
      }
    }
  }
  return violations;
}

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(path.join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(relative);
    return /\.(ts|tsx|mts|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [relative] : [];
  });
}

/** The module's value imports (and re-exports), and whether it starts with "use client" or "use server". */
function readModule(file: string): SourceModule {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, false, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const first = source.statements[0];
  const directive = first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) ? first.expression.text : "";
  const imports: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier)) {
      const named = statement.importClause?.namedBindings;
      const onlyTypes = !statement.importClause?.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) imports.push(statement.moduleSpecifier.text);
    }
    if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) imports.push(statement.moduleSpecifier.text);
  }
  return { file, client: directive === "use client", server: directive === "use server", imports };
}

describe("client bundle boundary", () => {
  it("reports a client module that reaches the database through a domain module, and not a type-only import", () => {
    expect(
      clientBundleViolations([
        { file: "components/a.tsx", client: true, imports: ["@/lib/tokens/words"] },
        { file: "lib/tokens/words.ts", client: false, imports: ["../db/client"] },
        { file: "lib/db/client.ts", client: false, imports: ["better-sqlite3"] },
        { file: "components/b.tsx", client: true, imports: ["../lib/tokens/plain"] },
        { file: "lib/tokens/plain.ts", client: false, imports: ["node:fs"] },
        { file: "components/c.tsx", client: true, imports: ["@/lib/tokens/safe"] },
        { file: "lib/tokens/safe.ts", client: false, imports: ["zod", "@/app/actions"] },
        { file: "app/actions.ts", client: false, server: true, imports: ["../lib/db/client"] },
      ]),
    ).toEqual([
      'components/a.tsx → lib/tokens/words.ts → lib/db/client.ts: a "use client" module reaches server-only code',
      'components/b.tsx → lib/tokens/plain.ts → node:fs: a "use client" module reaches server-only code',
    ]);
    const reader = readModule("test/unit/client-bundle-boundary.test.ts");
    expect(reader.imports).toContain("typescript");
    expect(reader.client).toBe(false);
  });

  it("holds for every client module in app/ and components/", () => {
    const modules = ["app", "components", "lib"].flatMap(sourceFiles).concat(["auth.ts", "proxy.ts"]).map(readModule);
    const clients = modules.filter((entry) => entry.client);
    // A reader that found no client modules would pass on nothing.
    expect(clients.length).toBeGreaterThan(10);
    expect(clientBundleViolations(modules)).toEqual([]);
  });
});
