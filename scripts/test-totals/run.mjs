// Runs vitest once over every project and counts the result with `count.mjs`: the files the
// projects' globs match come from `vitest list --filesOnly` with the same filters, what ran comes
// from the totals reporter, so a file that never reported is named and counted as failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countRun, totalsLine } from './count.mjs';

const REPORTER = fileURLToPath(new URL('./reporter.mjs', import.meta.url));

// Flags that only make sense for `vitest run`; `vitest list` is given the filters alone.
const RUN_ONLY_FLAGS = new Set(['--coverage', '--bail', '--retry', '--silent', '--reporter', '--outputFile']);

function listArgs(args) {
  return args.filter((arg) => !RUN_ONLY_FLAGS.has(arg.split('=')[0]) && !arg.startsWith('--coverage.'));
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/**
 * Runs `vitest run ARGS` in `root` and returns `{ passed, failed, problems, exitCode }`, printing
 * the problems and the totals line. `outDir` holds the two JSON files it reads.
 * `quiet` keeps vitest's own output off the terminal (the counting script's tests use it).
 * @param {{ root: string, args?: string[], env?: NodeJS.ProcessEnv, outDir: string, print?: (line: string) => void, quiet?: boolean }} options
 */
export function runCounted({ root, args = [], env = process.env, outDir, print = console.log, quiet = false }) {
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  mkdirSync(outDir, { recursive: true });
  const listFile = join(outDir, 'vitest-files.json');
  const totalsFile = join(outDir, 'vitest-totals.json');
  rmSync(listFile, { force: true });
  rmSync(totalsFile, { force: true });

  const list = spawnSync(process.execPath, [vitest, 'list', '--filesOnly', `--json=${listFile}`, ...listArgs(args)], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const listed = readJson(listFile);
  if (list.status !== 0 || listed === undefined) {
    print(`vitest list failed (exit ${list.status}): ${list.stderr || list.stdout}`);
    print(`\n${totalsLine({ passed: 0, failed: 1 })}`);
    return { passed: 0, failed: 1, problems: ['vitest list failed'], exitCode: 1 };
  }
  const expected = [...new Set(listed.map((entry) => entry.file))];

  const run = spawnSync(
    process.execPath,
    [vitest, 'run', '--reporter=default', `--reporter=${REPORTER}`, ...args],
    { cwd: root, stdio: quiet ? 'ignore' : 'inherit', env: { ...env, ATRIUM_TEST_TOTALS_FILE: totalsFile } },
  );
  const result = countRun({ expected, report: readJson(totalsFile), exitStatus: run.status, signal: run.signal });
  if (result.problems.length > 0) {
    print('\nWhat failed:');
    for (const problem of result.problems) print(`  - ${problem}`);
  }
  const exitCode = run.status === 0 && result.failed === 0 ? 0 : 1;
  return { ...result, exitCode };
}
