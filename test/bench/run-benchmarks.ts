/**
 * `npm run bench`: every benchmark in turn — import, verify, list, bundle — each in its own
 * process, their JSON lines passed through as they come (one object per figure). The import
 * figures get the `met` flag the others carry. Holds the build lock for the whole run; exits 1
 * if a benchmark failed (after running the rest).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { holdBuildLock, printFigure } from "./bench-server";

const BENCHMARKS = [
  { name: "import", file: "import-benchmark.ts" },
  { name: "verify", file: "verify-benchmark.ts" },
  { name: "list", file: "list-benchmark.ts" },
  { name: "bundle", file: "bundle-benchmark.ts" },
  { name: "api", file: "api-benchmark.ts" },
];

/** The import benchmark states its targets; say whether they were met, as the others do. */
function withVerdict(figure: Record<string, unknown>): Record<string, unknown> {
  if ("met" in figure) return figure;
  if (figure.figure === "import_ratio" && typeof figure.ratio === "number" && typeof figure.target === "number") return { ...figure, met: figure.ratio <= figure.target };
  if (typeof figure.peakRssMb === "number" && typeof figure.targetPeakRssMb === "number") return { ...figure, met: figure.peakRssMb <= figure.targetPeakRssMb };
  return figure;
}

function run(benchmark: (typeof BENCHMARKS)[number]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, benchmark.file), ...process.argv.slice(2)], {
      // The import benchmark's HTTP part serves on BENCH_PORT: keep it on this suite's ports.
      env: { ...process.env, BENCH_PORT: process.env.BENCH_PORT ?? process.env.BENCH_LIST_PORT ?? "3171" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        printFigure(withVerdict(JSON.parse(line) as Record<string, unknown>));
      } catch {
        console.error(`[${benchmark.name}] ${line}`);
      }
    });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  holdBuildLock();
  let failed = 0;
  for (const benchmark of BENCHMARKS) {
    const code = await run(benchmark);
    if (code !== 0) {
      failed++;
      printFigure({ figure: `${benchmark.name}_failed`, exitCode: code });
    }
  }
  process.exit(failed ? 1 : 0);
}

main();
