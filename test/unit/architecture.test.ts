// The layout rules of lib/ (README "Layout"), checked on every module's real imports as the
// TypeScript compiler reads them (static, type-only, re-exports and dynamic import() alike):
// - only lib/server/ may import Next.js or Auth.js (framework glue stays apart from the domains);
// - nothing under lib/ imports app/ or components/;
// - no import cycle between lib/ folders (each pair of domains depends one way at most);
// - the command-line tools (lib/cli) never import the glue: it is marked `server-only`, which
//   throws outside Next.js's server bundles, and the CLIs run in plain Node;
// - lib/shared (configuration, logger, small helpers) imports no other lib/ folder, so every
//   folder, lib/db included, may use it.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

type Module = { file: string; imports: string[] };

/** A specifier as a repository path (`lib/auth/permissions`), or null for a package. */
function repoPath(file: string, specifier: string): string | null {
  if (specifier.startsWith("@/")) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith(".")) return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return null;
}

const FRAMEWORK = /^(next|next-auth)(\/|$)/;

/** lib/<folder> of a repository path, or null outside lib/. */
function libFolder(repoFile: string): string | null {
  const parts = repoFile.split("/");
  return parts[0] === "lib" && parts.length > 2 ? parts[1] : null;
}

export function architectureViolations(modules: Module[]): string[] {
  const violations: string[] = [];
  const edges = new Map<string, Map<string, string>>(); // folder → folder → an example "file imports spec"
  for (const entry of modules) {
    const from = libFolder(entry.file);
    if (!from) continue;
    for (const specifier of entry.imports) {
      const target = repoPath(entry.file, specifier);
      if (target === null) {
        if (FRAMEWORK.test(specifier) && from !== "server") {
          violations.push(`${entry.file} imports ${specifier}: Next.js and Auth.js glue belongs in lib/server/`);
        }
        continue;
      }
      if (from === "cli" && (libFolder(target) === "server" || target === "auth")) violations.push(`${entry.file} imports ${specifier}: the CLIs never import the server-only glue`);
      if (/^(app|components)(\/|$)/.test(target)) violations.push(`${entry.file} imports ${specifier}: lib/ never imports app/ or components/`);
      const to = libFolder(target);
      if (from === "shared" && to && to !== "shared") violations.push(`${entry.file} imports ${specifier}: lib/shared imports no other lib/ folder`);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${entry.file} imports ${specifier}`);
    }
  }
  // A depth-first walk; an edge back into the current path closes a cycle.
  const done = new Set<string>();
  const reported = new Set<string>();
  const walk = (folder: string, trail: string[]) => {
    if (done.has(folder)) return;
    for (const next of [...(edges.get(folder)?.keys() ?? [])].sort()) {
      const at = trail.indexOf(next);
      if (at >= 0) {
        const cycle = [...trail.slice(at), next];
        const key = [...cycle.slice(0, -1)].sort().join(",");
        if (reported.has(key)) continue;
        reported.add(key);
        const steps = cycle.slice(0, -1).map((step, i) => edges.get(step)!.get(cycle[i + 1])!);
        violations.push(`import cycle ${cycle.map((step) => `lib/${step}`).join(" → ")} (${steps.join("; ")})`);
      } else {
        walk(next, [...trail, next]);
      }
    }
    done.add(folder);
  };
  for (const folder of [...edges.keys()].sort()) walk(folder, [folder]);
  return violations;
}

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(path.join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|tsx|mts|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

function readModule(file: string): Module {
  const source = fs.readFileSync(path.join(root, file), "utf8");
  return { file, imports: ts.preProcessFile(source, true, true).importedFiles.map((imported) => imported.fileName) };
}

describe("architecture", () => {
  it("reports each kind of violation on a synthetic example, and nothing for a sound one", () => {
    const violations = architectureViolations([
      { file: "lib/tokens/a.ts", imports: ["next/headers", "../methods/b", "@/components/tokens/words"] },
      { file: "lib/methods/b.ts", imports: ["next-auth", "@/lib/signin/c"] },
      { file: "lib/signin/c.ts", imports: ["../tokens/a", "@/app/admin/page"] },
      { file: "lib/server/glue.ts", imports: ["next/cache", "next-auth", "../tokens/a"] },
      { file: "lib/cli/tool.ts", imports: ["../server/glue", "../../auth", "../tokens/a"] },
      { file: "lib/shared/helper.ts", imports: ["./logger", "../db/client"] },
    ]);
    expect(violations).toEqual([
      "lib/tokens/a.ts imports next/headers: Next.js and Auth.js glue belongs in lib/server/",
      "lib/tokens/a.ts imports @/components/tokens/words: lib/ never imports app/ or components/",
      "lib/methods/b.ts imports next-auth: Next.js and Auth.js glue belongs in lib/server/",
      "lib/signin/c.ts imports @/app/admin/page: lib/ never imports app/ or components/",
      "lib/cli/tool.ts imports ../server/glue: the CLIs never import the server-only glue",
      "lib/cli/tool.ts imports ../../auth: the CLIs never import the server-only glue",
      "lib/shared/helper.ts imports ../db/client: lib/shared imports no other lib/ folder",
      "import cycle lib/tokens → lib/methods → lib/signin → lib/tokens (lib/tokens/a.ts imports ../methods/b; lib/methods/b.ts imports @/lib/signin/c; lib/signin/c.ts imports ../tokens/a)",
    ]);
    expect(
      architectureViolations([
        { file: "lib/server/glue.ts", imports: ["next/headers", "../tokens/a", "@/auth"] },
        { file: "lib/tokens/a.ts", imports: ["zod", "../shared/csv-cell", "./b"] },
        { file: "lib/shared/csv-cell.ts", imports: [] },
      ]),
    ).toEqual([]);
  });

  it("holds for every module under lib/", () => {
    const modules = sourceFiles("lib").map(readModule);
    expect(modules.length).toBeGreaterThan(100);
    // The parser sees dynamic and type-only imports too (a check that read nothing would pass).
    expect(modules.find((entry) => entry.file === "lib/server/current-user.ts")?.imports).toContain("next/navigation");
    expect(architectureViolations(modules)).toEqual([]);
  });
});
