// The README's main job, done the way a newcomer does it: a fresh copy of the committed tree,
// exactly `npm install && npm start` with nothing in the environment but PATH, HOME and PORT, then
// Alice signs in with the printed password and a code from `npm run demo:code`. Every other spec
// runs the portal with PORTAL_DATA_DIR and DATABASE_URL set, so only this one meets what a person
// without them meets.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { waitForPortalHealth } from "../../lib/cli/wait-for-portal";
import { enterCode, enterPassword, expectOnSecurityInfo, rememberSecret } from "./helpers";

const checkout = path.join(__dirname, "..", "..");
const QUICK_START = "npm install && npm start";
const SERIAL = "FT20240002";

/** A port nothing listens on now, for the clone's server (the suite's own server has E2E_PORT). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A `git clone` of the checkout (the committed tree only, no build, no data). node_modules is
 * linked in file by file so `npm install` finds it installed and doesn't download again; the
 * generated Prisma clients and npm's own record are real copies, because `npm install` rewrites
 * them in the clone and must not write through to the checkout's files.
 */
function cloneCheckout(into: string): string {
  const clone = path.join(into, "portal");
  execFileSync("git", ["clone", "--quiet", checkout, clone], { stdio: "pipe" });
  execFileSync("cp", ["-al", path.join(checkout, "node_modules"), path.join(clone, "node_modules")]);
  for (const own of [".prisma", ".package-lock.json", ".cache"]) {
    const target = path.join(clone, "node_modules", own);
    fs.rmSync(target, { recursive: true, force: true });
    if (fs.existsSync(path.join(checkout, "node_modules", own))) execFileSync("cp", ["-a", path.join(checkout, "node_modules", own), target]);
  }
  return clone;
}

/** The clean environment of a newcomer's shell: PATH, HOME and (for the server) PORT only. */
function newcomerEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // NODE_ENV is typed as always present (Next's types); a newcomer's shell has none.
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? os.homedir(), ...extra } as unknown as NodeJS.ProcessEnv;
}

/** Stops the quick start's whole process group (sh, npm, tsx, next start). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
  if (!killed) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
  }
}

/**
 * Where the production build turned `__dirname` or `import.meta.url` of the project's own code into
 * "/ROOT/…" — a path that exists nowhere at run time. Next's vendored packages carry
 * "/ROOT/node_modules/next/dist/compiled/…" and the bundler's runtime builds "/ROOT/${…}" itself;
 * neither resolves a file of ours, so they are not counted.
 */
const PROJECT_PATH_IN_BUILD = /["'`]\/ROOT(?=["'`/])(?!\/node_modules\/)(?!\/\$\{)|file:\/\/\/ROOT\/(?!node_modules\/)/g;

function projectPathsInBuild(folder: string): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    for (const match of text.matchAll(PROJECT_PATH_IN_BUILD)) {
      hits.push(`${entry.name}: …${text.slice(Math.max(0, match.index - 40), match.index + 40)}…`);
    }
  }
  return hits;
}

test("a fresh clone started with the README's quick start signs Alice in", async ({ browser }, testInfo) => {
  test.setTimeout(20 * 60_000);
  const readme = fs.readFileSync(path.join(checkout, "README.md"), "utf8");
  expect(readme, "the README's quick start is the command this test runs").toContain("```sh\n" + QUICK_START + "\n```");

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-quick-start-"));
  const clone = cloneCheckout(work);
  const port = await freePort();
  const logFile = testInfo.outputPath("quick-start.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  let output = "";
  const child = spawn("sh", ["-c", QUICK_START], { cwd: clone, env: newcomerEnvironment({ PORT: String(port) }), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  try {
    // The start command prints where to sign in once the server answers; it must not exit first.
    const signInUrl = await Promise.race([
      (async () => {
        for (;;) {
          const printed = /sign in at (http:\/\/localhost:\d+\/login)/.exec(output);
          if (printed) return printed[1]!;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })(),
      exited.then((code) => {
        throw new Error(`\`${QUICK_START}\` exited (code ${code}) before printing the sign-in address:\n${output.slice(-4000)}`);
      }),
    ]);
    expect(signInUrl).toBe(`http://localhost:${port}/login`);

    // The server bundle holds no path derived from the module's location (the build's "/ROOT").
    // The scan finds what it looks for: today's bug as the build wrote it, and import.meta.url.
    const planted = 'let c=b.default.resolve("/ROOT/lib/db","..",".."); const d = "/ROOT"; new URL("file:///ROOT/app/page.js")';
    expect(planted.match(PROJECT_PATH_IN_BUILD)).toHaveLength(3);
    expect('a.ab="/ROOT/node_modules/next/dist/compiled/cookie/"; R.P=function(e){return`/ROOT/${e??""}`}'.match(PROJECT_PATH_IN_BUILD)).toBeNull();
    expect.soft(projectPathsInBuild(path.join(clone, ".next", "server")), "paths of the project's own files in the built server").toEqual([]);

    const alice = /alice@contoso\.example\s+(\S+)\s+token (\S+)/.exec(output);
    expect(alice, "the start output prints Alice's password and token").not.toBeNull();
    const [, password, serial] = alice!;
    expect(serial).toBe(SERIAL);
    rememberSecret(password!);
    const credentials = fs.readFileSync(path.join(clone, "data", "demo-credentials.txt"), "utf8");
    expect(credentials).toContain(password);

    const context = await browser.newContext({ baseURL: `http://localhost:${port}` });
    const page = await context.newPage();
    await enterPassword(page, "alice@contoso.example", password!);
    await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
    // As a person would: run the README's command in the clone, and wait for the next code when the
    // seed's activation already used the current one.
    let code: string | undefined;
    for (;;) {
      const printed = execFileSync("npm", ["run", "demo:code", "--", SERIAL], { cwd: clone, env: newcomerEnvironment(), encoding: "utf8" });
      if (!printed.includes("already used")) {
        code = new RegExp(`${SERIAL}: (\\d{6}) `).exec(printed)?.[1];
        expect(code, printed).toBeDefined();
        break;
      }
      await page.waitForTimeout(2000);
    }
    await enterCode(page, code!);
    await expectOnSecurityInfo(page);
    await expect(page.getByText(`Serial number ${SERIAL}`)).toBeVisible();
    await context.close();

    // Only the owner can read the data folder, the database (and its WAL files) and the keys.
    const data = path.join(clone, "data");
    const modes = Object.fromEntries(fs.readdirSync(data).map((name) => [name, (fs.statSync(path.join(data, name)).mode & 0o777).toString(8)]));
    expect((fs.statSync(data).mode & 0o777).toString(8)).toBe("700");
    expect(modes).toMatchObject({ "portal.db": "600", "portal.db-wal": "600", "portal.db-shm": "600", "auth.key": "600", "secret.key": "600", "demo-credentials.txt": "600" });
    expect(Object.entries(modes).filter(([, mode]) => mode !== "600"), "files in the data folder others can read").toEqual([]);

    expect(child.exitCode, "the server is still running").toBeNull();
    const errorLines = output.split("\n").filter((line) => /error|⨯|exception|does not exist/i.test(line));
    expect(errorLines, "lines of the install, build and server output that report an error").toEqual([]);
  } finally {
    await stopGroup(child);
    log.end();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test("the sign-in page loads every file it asks for, the portal's icons included", async ({ page, request }) => {
  const failed: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => failed.push(`failed ${request.url()}`));
  await page.goto("/login");
  await expect(page.getByLabel("Email, phone or user name")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(failed).toEqual([]);

  const icons = await page.locator("link[rel='icon'], link[rel='apple-touch-icon']").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
  expect(icons).toEqual(expect.arrayContaining(["/favicon.ico", "/icon.svg", "/apple-touch-icon.png"]));
  for (const [file, type] of [["/favicon.ico", "image/x-icon"], ["/icon.svg", "image/svg+xml"], ["/apple-touch-icon.png", "image/png"]] as const) {
    const response = await request.get(file);
    expect(response.status(), file).toBe(200);
    expect(response.headers()["content-type"], file).toContain(type);
  }
});

test("a server on a database without its migrations answers health 503 with the reason, and the start command's check stops on it", async ({}, testInfo) => {
  // `next start` of the suite's build, pointed at a new, empty SQLite file as the build's "/ROOT"
  // path once made it; no start command, so nothing migrates it.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-unmigrated-"));
  const port = await freePort();
  const logFile = testInfo.outputPath("next-start.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, "w");
  const server = spawn(process.execPath, [path.join(checkout, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)], {
    cwd: checkout,
    env: { ...newcomerEnvironment(), PORTAL_DATA_DIR: work, DATABASE_URL: `file:${path.join(work, "portal.db")}`, NEXT_TELEMETRY_DISABLED: "1" },
    detached: true,
    stdio: ["ignore", log, log],
  });
  try {
    const migrations = fs.readdirSync(path.join(checkout, "prisma", "sqlite", "migrations")).filter((name) => fs.existsSync(path.join(checkout, "prisma", "sqlite", "migrations", name, "migration.sql")));
    const reason = `database schema not migrated: ${migrations.length} pending`;
    const healthUrl = `http://localhost:${port}/api/health`;
    const health = await waitForPortalHealth({ healthUrl, timeoutMs: 120_000, serverExited: () => server.exitCode !== null });
    expect(health).toEqual({ ok: false, reason });

    const answer = await fetch(healthUrl);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ status: "degraded", database: { ok: false, provider: "sqlite", error: reason } });
  } finally {
    await stopGroup(server);
    fs.closeSync(log);
    fs.rmSync(work, { recursive: true, force: true });
  }
});
