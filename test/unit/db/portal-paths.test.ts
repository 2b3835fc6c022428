import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDatabaseTarget, resolveDataDirectory } from "../../../lib/db/database-url";
import { findProjectRoot } from "../../../lib/db/schema-files";

// The data folder and the database must be the same for the CLI (tsx), `next start` and `next dev`
// from any folder the README's commands run in — never derived from a module's location, which
// the production build rewrites to "/ROOT".

const root = path.resolve(__dirname, "..", "..", "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "portal-paths-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** What a fresh process started in `cwd` with only `env` resolves (the module-level answers). */
function resolvedIn(cwd: string, env: Record<string, string> = {}): { dataDirectory: string; database: string } {
  const script = `const d = require(${JSON.stringify(path.join(root, "lib/db/database-url.ts"))}); console.log(JSON.stringify({ dataDirectory: d.dataDirectory, database: d.resolveDatabaseTarget().url }));`;
  const output = execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "-e", script], {
    cwd,
    // NODE_ENV is typed as always present (Next's types); a clean shell has none.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  return JSON.parse(output) as { dataDirectory: string; database: string };
}

describe("the project's folder", () => {
  it("is found from the project's folder and from any folder inside it", () => {
    expect(findProjectRoot(root)).toBe(root);
    expect(findProjectRoot(path.join(root, "app", "api", "health"))).toBe(root);
    // A package's own package.json on the way up is not the portal's.
    expect(findProjectRoot(path.join(root, "node_modules", "next", "dist"))).toBe(root);
  });

  it("is the folder whose package.json is the portal's, wherever the checkout is", () => {
    const clone = path.join(scratch, "clone");
    fs.mkdirSync(path.join(clone, "lib", "cli"), { recursive: true });
    fs.writeFileSync(path.join(clone, "package.json"), JSON.stringify({ name: "security-info-portal" }));
    expect(findProjectRoot(path.join(clone, "lib", "cli"))).toBe(clone);
  });

  it("is refused with what to do outside the portal's folder", () => {
    const elsewhere = path.join(scratch, "elsewhere");
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, "package.json"), JSON.stringify({ name: "another-project" }));
    expect(() => findProjectRoot(elsewhere)).toThrow(`${elsewhere} is not inside the security info portal's folder`);
    expect(() => findProjectRoot(elsewhere)).toThrow("Run the portal's commands from its folder.");
  });
});

describe("the data folder and the database", () => {
  it("default to data/portal.db in the project's folder", () => {
    const dataDirectory = resolveDataDirectory({ projectRoot: root });
    expect(dataDirectory).toBe(path.join(root, "data"));
    expect(resolveDatabaseTarget("", { projectRoot: root, dataDirectory })).toEqual({
      provider: "sqlite",
      url: `file:${path.join(root, "data", "portal.db")}`,
      filePath: path.join(root, "data", "portal.db"),
    });
  });

  it("take PORTAL_DATA_DIR and a relative file: URL from the project's folder, absolute ones as they are", () => {
    expect(resolveDataDirectory({ projectRoot: root, portalDataDir: "var/portal" })).toBe(path.join(root, "var", "portal"));
    expect(resolveDataDirectory({ projectRoot: root, portalDataDir: "/srv/portal" })).toBe("/srv/portal");
    const folders = { projectRoot: root, dataDirectory: "/srv/portal" };
    expect(resolveDatabaseTarget("", folders)).toMatchObject({ url: "file:/srv/portal/portal.db" });
    expect(resolveDatabaseTarget("file:other/portal.db", folders)).toMatchObject({ url: `file:${path.join(root, "other", "portal.db")}` });
    expect(resolveDatabaseTarget("file:/srv/elsewhere.db", folders)).toMatchObject({ url: "file:/srv/elsewhere.db" });
    expect(resolveDatabaseTarget("postgresql://portal@db:5432/portal", folders)).toEqual({ provider: "postgresql", url: "postgresql://portal@db:5432/portal" });
  });

  it("are the same in a process started in the project's folder or in a subfolder, with or without the environment", () => {
    const expected = { dataDirectory: path.join(root, "data"), database: `file:${path.join(root, "data", "portal.db")}` };
    expect(resolvedIn(root)).toEqual(expected);
    expect(resolvedIn(path.join(root, "app"))).toEqual(expected);
    expect(resolvedIn(path.join(root, "lib", "db"))).toEqual(expected);

    const configured = { dataDirectory: path.join(root, "test-results", "paths"), database: `file:${path.join(root, "test-results", "paths", "portal.db")}` };
    expect(resolvedIn(root, { PORTAL_DATA_DIR: "test-results/paths" })).toEqual(configured);
    expect(resolvedIn(path.join(root, "app"), { PORTAL_DATA_DIR: "test-results/paths" })).toEqual(configured);
    expect(resolvedIn(path.join(root, "app"), { PORTAL_DATA_DIR: path.join(root, "test-results", "paths") })).toEqual(configured);
    expect(resolvedIn(path.join(root, "app"), { DATABASE_URL: "file:test-results/paths/portal.db" })).toEqual({ ...expected, database: configured.database });
  });
});
