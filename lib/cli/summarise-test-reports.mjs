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
// CI shows only the tail of its log, so the names of what failed are printed here, next to the totals.
const failures = [];

function playwrightFailures(suite, trail) {
  const here = suite.title ? [...trail, suite.title] : trail;
  for (const spec of suite.specs ?? []) if (!spec.ok) failures.push([...here, spec.title].join(" › "));
  for (const child of suite.suites ?? []) playwrightFailures(child, here);
}

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
    for (const file of report.testResults ?? [])
      for (const test of file.assertionResults ?? []) if (test.status === "failed") failures.push(`${name}: ${path.basename(file.name)} › ${test.fullName}`);
  } else {
    const { expected: ok = 0, unexpected = 0, flaky = 0, skipped: skip = 0 } = report.stats;
    passed += ok + flaky;
    failed += unexpected;
    skipped += skip;
    console.log(`${name}: ${ok + flaky} passed, ${unexpected} failed`);
    for (const suite of report.suites ?? []) playwrightFailures(suite, [`${name}:`]);
  }
}
if (missing) failed += missing;
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
