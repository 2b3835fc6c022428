import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Scale-out and fault tests (PostgreSQL): the specs start their own production servers (`next
// start` on the current build; global setup builds when the sources changed) — two instances on
// one fresh database, a server killed mid-import, a server whose database link is cut — so no
// webServer here. Base: SCALE_OUT_DATABASE_URL, else a PostgreSQL DATABASE_URL, else the local
// server; the run creates its own database next to it and drops it at the end.
const base =
  process.env.SCALE_OUT_DATABASE_URL ??
  (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL! : "postgresql://postgres@127.0.0.1:5432/postgres");
// The config is read again in every worker: the names and keys chosen first are kept in the environment.
process.env.SCALE_OUT_DATABASE_NAME ??= `portal_scale_out_${process.pid}_${Date.now()}`;
const url = new URL(base);
process.env.SCALE_OUT_ADMIN_URL ??= url.toString();
url.pathname = `/${process.env.SCALE_OUT_DATABASE_NAME}`;
process.env.DATABASE_URL = url.toString();
process.env.PORTAL_DATA_DIR = path.join(os.tmpdir(), process.env.SCALE_OUT_DATABASE_NAME);
// Every instance shares these, as the README asks of several instances.
process.env.AUTH_SECRET ??= crypto.randomBytes(32).toString("base64");
process.env.PORTAL_SECRET_KEY ??= crypto.randomBytes(32).toString("base64");

export default defineConfig({
  testDir: "test",
  testMatch: ["e2e-scale-out/**/*.spec.ts", "e2e/server-killed-during-import.spec.ts"],
  globalSetup: "test/e2e-scale-out/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 240_000,
  // .ci/run asks for a JSON report to add up one "N passed, N failed" line over all runs.
  reporter: process.env.PLAYWRIGHT_JSON_REPORT ? [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_REPORT }]] : [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
    trace: "off",
  },
});
