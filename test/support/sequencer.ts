import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Runs test files in path order on every database, so files that share the run's database meet
 * the same state on SQLite and PostgreSQL (the demo seed's UPNs, for one, must come before the
 * upload tests that reuse them).
 */
export default class PathOrderSequencer extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
