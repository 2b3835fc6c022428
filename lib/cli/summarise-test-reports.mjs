// Adds up the JSON reports of every test run in a folder (Vitest and Playwright) and prints the
// one closing line CI tooling reads: "N passed, N failed". Exits 1 when anything failed, a run
// left no report, or nothing ran at all.
import fs from "node:fs";
import path from "node:path";

const folder = process.argv[2];
const expected = ["vitest-sqlite.json", "playwright.json", "vitest-postgresql.json", "playwright-scale-out.json"];
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;

for (const name of expected) {
  const file = path.join(folder, name);
  if (!fs.existsSync(file)) {
    console.log(`${name}: no report (the run did not finish)`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  if (name.startsWith("vitest")) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    console.log(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  } else {
    const { expected: ok = 0, unexpected = 0, flaky = 0, skipped: skip = 0 } = report.stats;
    passed += ok + flaky;
    failed += unexpected;
    skipped += skip;
    console.log(`${name}: ${ok + flaky} passed, ${unexpected} failed`);
  }
}
if (missing) failed += missing;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
