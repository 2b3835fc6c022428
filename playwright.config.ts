import path from "node:path";
import { defineConfig } from "@playwright/test";

// The e2e run serves a production build through `npm start`'s own code path, on a fresh SQLite
// database in its own folder; tests add the users and tokens they need to that same database.
const dataDir = path.join(__dirname, "test-results", "e2e-data");
const port = Number(process.env.E2E_PORT ?? 3100);
process.env.PORTAL_DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${path.join(dataDir, "portal.db")}`;
// The verification API exists only with a key: the e2e server gets this one (tests read it here).
process.env.VERIFY_API_KEY = "e2e-verification-api-key";
// `npm start` starts its RADIUS server on this UDP port too (radius-clients.spec.ts talks to it with radclient).
process.env.E2E_RADIUS_PORT ??= String(port + 16000);
// Metrics are off without a token: the e2e server gets this one.
process.env.METRICS_TOKEN = "e2e-metrics-token";

export default defineConfig({
  testDir: "test/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A person waits for the next code the way freshCode() does: a test that signs in twice with one
  // token can wait out two 30-second steps before any clicking, so 60 s was sometimes too short.
  timeout: 120_000,
  // .ci/run asks for a JSON report to add up one "N passed, N failed" line over all runs.
  reporter: process.env.PLAYWRIGHT_JSON_REPORT ? [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_REPORT }]] : [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
    trace: "off",
  },
  // server-log.spec.ts scans the server's log for the run's secrets, so it runs after every
  // other spec (a teardown project runs even when a run is limited to some files).
  projects: [
    { name: "chromium", testIgnore: /server-log\.spec\.ts$/, teardown: "server log" },
    { name: "server log", testMatch: /server-log\.spec\.ts$/ },
  ],
  webServer: {
    command: "node node_modules/tsx/dist/cli.mjs test/e2e/serve-fresh-portal.ts",
    url: `http://localhost:${port}/api/health`,
    // The first run builds the portal: minutes on a busy 2-core machine.
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { PORT: String(port), PORTAL_DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "portal.db")}`, NEXT_TELEMETRY_DISABLED: "1", VERIFY_API_KEY: process.env.VERIFY_API_KEY, RADIUS_PORT: process.env.E2E_RADIUS_PORT, RADIUS_HOST: "127.0.0.1", METRICS_TOKEN: process.env.METRICS_TOKEN },
  },
});
