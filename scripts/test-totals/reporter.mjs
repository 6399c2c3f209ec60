// A vitest reporter that writes what the run reported, file by file, for `scripts/test.mjs` to
// count: each test file's state and test results, and every error vitest could not tie to a test
// (a worker that died, an unhandled rejection). vitest's JSON reporter omits the latter.
import { writeFileSync } from 'node:fs';

const ERROR_STACK_LIMIT = 4_000;

function describeError(error) {
  const path = typeof error.VITEST_TEST_PATH === 'string' ? error.VITEST_TEST_PATH : undefined;
  return {
    name: error.name ?? 'Error',
    message: String(error.message ?? error),
    file: path,
    stack: typeof error.stack === 'string' ? error.stack.slice(0, ERROR_STACK_LIMIT) : undefined,
  };
}

function describeModule(testModule) {
  const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
  for (const test of testModule.children.allTests()) counts[test.result().state] += 1;
  return {
    file: testModule.moduleId,
    project: testModule.project.name,
    state: testModule.state(),
    tests: counts,
    errors: testModule.errors().map(describeError),
  };
}

export default class TotalsReporter {
  constructor(options = {}) {
    this.outputFile = options.outputFile ?? process.env.ATRIUM_TEST_TOTALS_FILE;
    if (!this.outputFile) throw new Error('TotalsReporter needs outputFile (or ATRIUM_TEST_TOTALS_FILE)');
  }

  onTestRunEnd(testModules, unhandledErrors, reason) {
    const report = {
      reason,
      modules: testModules.map(describeModule),
      unhandledErrors: unhandledErrors.map(describeError),
    };
    writeFileSync(this.outputFile, JSON.stringify(report, null, 2));
  }
}
