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
// CI shows only the tail of its log, so the names of what failed are printed here, next to the
// totals, each with the first lines of its error: enough to tell a timeout from a wrong answer.
const failures = [];
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
function firstLines(message) {
  const lines = String(message ?? "").replace(ANSI, "").split("\n").map((line) => line.trim());
  const text = lines.filter((line) => line && !line.startsWith("at ")).slice(0, 8).join(" | ");
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function playwrightFailures(suite, trail) {
  const here = suite.title ? [...trail, suite.title] : trail;
  for (const spec of suite.specs ?? []) {
    if (spec.ok) continue;
    const error = spec.tests?.flatMap((test) => test.results ?? []).find((result) => result.error)?.error;
    failures.push([[...here, spec.title].join(" › "), firstLines(error?.message)]);
  }
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
    for (const file of report.testResults ?? []) {
      const failedTests = (file.assertionResults ?? []).filter((test) => test.status === "failed");
      for (const test of failedTests) failures.push([`${name}: ${path.basename(file.name)} › ${test.fullName}`, firstLines(test.failureMessages?.[0])]);
      // A file that failed outside its tests (an import or a hook) has no failed test to name.
      if (file.status === "failed" && failedTests.length === 0) {
        failed += 1;
        failures.push([`${name}: ${path.basename(file.name)}`, firstLines(file.message)]);
      }
    }
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
for (const [what, why] of failures) console.log(`FAILED ${what}${why ? `\n    ${why}` : ""}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
