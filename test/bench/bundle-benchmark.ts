/**
 * `npm run bench:bundle`: first-load JavaScript per page of the production build, gzip-compressed
 * (level 9, as Next.js used to report it). Next 16 no longer prints sizes, so this reads the
 * build's own manifests: the scripts every page loads (`build-manifest.json` rootMainFiles, the
 * Turbopack runtime included; legacy-browser polyfills excluded, as Next excluded them) plus the
 * page's own entry chunks (its layouts and the page, from `page_client-reference-manifest.js`).
 * Builds first (holding the build lock) when the build is not of the current sources.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { printFigure, projectRoot, round, runBenchmark } from "./bench-server";

const TARGET_ROUTE = "/mysecurityinfo";
const TARGET_KB = 150;
const nextDir = path.join(projectRoot, ".next");

const gzipKb = new Map<string, number>();
function gzippedKb(file: string): number {
  if (!gzipKb.has(file)) gzipKb.set(file, zlib.gzipSync(fs.readFileSync(path.join(nextDir, file)), { level: 9 }).length / 1024);
  return gzipKb.get(file)!;
}

/** The chunks a page's client reference manifest names for its layouts and the page itself. */
function pageEntryChunks(appPath: string): string[] {
  const file = path.join(nextDir, "server", "app", `${appPath}_client-reference-manifest.js`);
  if (!fs.existsSync(file)) return [];
  const sandbox: { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  new Function("globalThis", fs.readFileSync(file, "utf8"))(sandbox);
  const manifest = sandbox.__RSC_MANIFEST?.[appPath];
  return Object.values(manifest?.entryJSFiles ?? {}).flat();
}

/** "/(portal)/mysecurityinfo/page" → "/mysecurityinfo" (route groups and the page segment dropped). */
function routeOf(appPath: string): string {
  const route = appPath.replace(/\/page$/, "").replace(/\/\([^)]+\)/g, "");
  return route === "" ? "/" : route;
}

async function main() {
  const { buildIsCurrent, recordBuild } = await import("../../lib/cli/build-stamp");
  if (!buildIsCurrent()) {
    const build = spawnSync(process.execPath, [path.join(projectRoot, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: projectRoot, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new Error(`next build failed (exit code ${build.status})`);
    recordBuild();
  }
  const buildManifest = JSON.parse(fs.readFileSync(path.join(nextDir, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const appPaths = Object.keys(JSON.parse(fs.readFileSync(path.join(nextDir, "server", "app-paths-manifest.json"), "utf8")) as Record<string, string>)
    .filter((appPath) => appPath.endsWith("/page") && !appPath.startsWith("/_"));
  const shared = new Set(buildManifest.rootMainFiles.filter((file) => file.endsWith(".js")));
  const sharedKb = [...shared].reduce((sum, file) => sum + gzippedKb(file), 0);
  const routes: Record<string, number> = {};
  for (const appPath of appPaths.sort()) {
    const files = new Set([...shared, ...pageEntryChunks(appPath).filter((file) => file.endsWith(".js"))]);
    routes[routeOf(appPath)] = round([...files].reduce((sum, file) => sum + gzippedKb(file), 0), 1);
  }
  const target = routes[TARGET_ROUTE];
  if (target === undefined) throw new Error(`The build has no ${TARGET_ROUTE} page`);
  const largest = Object.entries(routes).sort((a, b) => b[1] - a[1])[0];
  printFigure({ figure: "bundle_first_load_js", unit: "kB gzip", sharedByAllKb: round(sharedKb, 1), largest: { route: largest[0], kb: largest[1] }, routes });
  printFigure({ figure: "bundle_first_load_js_mysecurityinfo", route: TARGET_ROUTE, kb: target, targetKb: TARGET_KB, met: target <= TARGET_KB });
}

runBenchmark(main);
