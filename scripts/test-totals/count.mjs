// Turns a vitest run into the one line CI trusts, `N passed, N failed`. A run is green only when
// every test file the projects' globs match reported, every test passed, vitest saw no error
// outside a test and it exited 0: a file whose worker died counts as failed, not as absent.

/**
 * @typedef {{ file: string, project: string, state: string,
 *   tests: { passed: number, failed: number, skipped: number, pending: number },
 *   errors: { name: string, message: string, file?: string }[] }} ModuleReport
 * @typedef {{ reason: string, modules: ModuleReport[],
 *   unhandledErrors: { name: string, message: string, file?: string }[] }} RunReport
 */

/**
 * Counts a run. `expected` lists the files the projects' globs match; `report` is what the totals
 * reporter wrote (undefined when vitest died before writing it); `exitStatus` is vitest's.
 * Returns the totals and one sentence per problem, each naming its file where one is known.
 * @param {{ expected: string[], report: RunReport | undefined, exitStatus: number | null, signal?: string | null }} run
 */
export function countRun({ expected, report, exitStatus, signal = null }) {
  const problems = [];
  let passed = 0;
  let failed = 0;
  if (report === undefined) {
    problems.push(`vitest wrote no report (exit status ${exitStatus ?? signal ?? 'unknown'})`);
    return { passed, failed: Math.max(1, expected.length), problems };
  }

  const reported = new Set();
  for (const module of report.modules) {
    reported.add(module.file);
    passed += module.tests.passed;
    failed += module.tests.failed;
    // A file that failed with no failed test failed outside its tests: it did not load, a hook
    // threw, or its worker died. It is one failure, not zero.
    if (module.state === 'failed' && module.tests.failed === 0) {
      failed += 1;
      const why = module.errors[0]?.message ?? 'no test reported a result';
      problems.push(`${module.file}: failed outside its tests (${why})`);
    } else if (module.state === 'pending' || module.state === 'queued') {
      failed += 1;
      problems.push(`${module.file}: never finished (state ${module.state})`);
    } else if (module.tests.failed > 0) {
      problems.push(`${module.file}: ${module.tests.failed} test(s) failed`);
    }
  }

  for (const file of expected) {
    if (reported.has(file)) continue;
    failed += 1;
    problems.push(`${file}: matched by the test globs but reported nothing (its worker may have died)`);
  }

  for (const error of report.unhandledErrors) {
    failed += 1;
    problems.push(`unhandled error${error.file ? ` in ${error.file}` : ''}: ${error.name}: ${error.message}`);
  }

  // A non-zero exit with nothing else to show for it still fails the run.
  if (exitStatus !== 0 && problems.length === 0) {
    failed += 1;
    problems.push(`vitest exited with ${exitStatus ?? signal} without reporting a failure`);
  }
  if (passed === 0 && failed === 0) {
    failed = 1;
    problems.push('no test ran');
  }
  return { passed, failed, problems };
}

/** The totals line, alone on its line, as `.ci/run` looks for it. */
export function totalsLine({ passed, failed }) {
  return `${passed} passed, ${failed} failed`;
}
