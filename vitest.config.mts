import path from "node:path";
import { defineConfig } from "vitest/config";
import PathOrderSequencer from "./test/support/sequencer";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // `server-only` throws unless resolved under React's server condition, as Next.js does for
      // server code; tests import that code directly, so they get the package's own empty module.
      "server-only": path.resolve(__dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/worker-env.ts"],
    // Integration tests share one real database per run; files run one at a time so concurrency
    // tests measure the code under test, not each other.
    fileParallelism: false,
    sequence: { sequencer: PathOrderSequencer },
    testTimeout: 30_000,
    // .ci/run asks for a JSON report to add up one "N passed, N failed" line over all runs.
    ...(process.env.VITEST_JSON_REPORT
      ? { reporters: ["default", "json"], outputFile: { json: process.env.VITEST_JSON_REPORT } }
      : {}),
    hookTimeout: 120_000,
    // next-auth imports "next/server" without an extension, which Node's ESM loader can't
    // resolve; bundled by Vite it resolves (the session endpoint's test runs the real handler).
    server: { deps: { inline: ["next-auth"] } },
  },
});
