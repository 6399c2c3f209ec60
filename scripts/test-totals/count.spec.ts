import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { countRun } from './count.mjs';
import { runCounted } from './run.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

function module(file: string, tests: Partial<Record<'passed' | 'failed' | 'skipped', number>>, state = 'passed', errors: { name: string; message: string }[] = []) {
  return { file, project: 'unit', state, tests: { passed: 0, failed: 0, skipped: 0, pending: 0, ...tests }, errors };
}

describe('counting a report', () => {
  it('counts a clean run as its tests', () => {
    const result = countRun({
      expected: ['/a.spec.ts', '/b.spec.ts'],
      report: { reason: 'passed', modules: [module('/a.spec.ts', { passed: 3 }), module('/b.spec.ts', { passed: 2 })], unhandledErrors: [] },
      exitStatus: 0,
    });
    expect(result).toEqual({ passed: 5, failed: 0, problems: [] });
  });

  it('counts a file the globs match but the run never reported as failed, by name', () => {
    const result = countRun({
      expected: ['/a.spec.ts', '/apps/instance/src/ui.int-spec.ts'],
      report: { reason: 'passed', modules: [module('/a.spec.ts', { passed: 3 })], unhandledErrors: [] },
      exitStatus: 0,
    });
    expect(result.passed).toBe(3);
    expect(result.failed).toBe(1);
    expect(result.problems).toEqual([expect.stringContaining('/apps/instance/src/ui.int-spec.ts: matched by the test globs but reported nothing')]);
  });

  it('counts each unhandled error as a failure even when every test passed', () => {
    const result = countRun({
      expected: ['/a.spec.ts'],
      report: {
        reason: 'failed',
        modules: [module('/a.spec.ts', { passed: 3 })],
        unhandledErrors: [{ name: 'Error', message: 'Worker exited unexpectedly' }],
      },
      exitStatus: 0,
    });
    expect(result.failed).toBe(1);
    expect(result.problems).toEqual(['unhandled error: Error: Worker exited unexpectedly']);
  });

  it('counts a failed file without a failed test (it did not load) as one failure', () => {
    const result = countRun({
      expected: ['/a.spec.ts', '/broken.spec.ts'],
      report: {
        reason: 'failed',
        modules: [module('/a.spec.ts', { passed: 1 }), module('/broken.spec.ts', {}, 'failed', [{ name: 'SyntaxError', message: 'Unexpected token' }])],
        unhandledErrors: [],
      },
      exitStatus: 1,
    });
    expect(result).toEqual({ passed: 1, failed: 1, problems: ['/broken.spec.ts: failed outside its tests (Unexpected token)'] });
  });

  it('adds failed tests and does not count their file twice', () => {
    const result = countRun({
      expected: ['/a.spec.ts'],
      report: { reason: 'failed', modules: [module('/a.spec.ts', { passed: 1, failed: 2 }, 'failed')], unhandledErrors: [] },
      exitStatus: 1,
    });
    expect(result.passed).toBe(1);
    expect(result.failed).toBe(2);
  });

  it('fails a run whose exit status is not 0 even when the report shows nothing wrong', () => {
    const result = countRun({
      expected: ['/a.spec.ts'],
      report: { reason: 'passed', modules: [module('/a.spec.ts', { passed: 4 })], unhandledErrors: [] },
      exitStatus: 1,
    });
    expect(result.failed).toBe(1);
    expect(result.problems).toEqual(['vitest exited with 1 without reporting a failure']);
  });

  it('fails a run with no report, counting every expected file', () => {
    const result = countRun({ expected: ['/a.spec.ts', '/b.spec.ts'], report: undefined, exitStatus: null, signal: 'SIGKILL' });
    expect(result).toEqual({ passed: 0, failed: 2, problems: ['vitest wrote no report (exit status SIGKILL)'] });
  });

  it('fails a run in which no test ran', () => {
    const result = countRun({ expected: [], report: { reason: 'passed', modules: [], unhandledErrors: [] }, exitStatus: 0 });
    expect(result.failed).toBe(1);
  });

  it('counts a file that never finished as failed', () => {
    const result = countRun({
      expected: ['/a.spec.ts'],
      report: { reason: 'interrupted', modules: [module('/a.spec.ts', { passed: 1 }, 'pending')], unhandledErrors: [] },
      exitStatus: 1,
    });
    expect(result.failed).toBe(1);
    expect(result.problems[0]).toContain('/a.spec.ts: never finished');
  });
});

// The same script `npm test` uses, over a real vitest run of fixture files in forked workers.
describe('a real run through the counting script', () => {
  const outDirs: string[] = [];
  afterAll(() => {
    for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
  });

  function runFixture(fixture: string) {
    const outDir = mkdtempSync(join(tmpdir(), 'atrium-totals-'));
    outDirs.push(outDir);
    const lines: string[] = [];
    const result = runCounted({
      root: ROOT,
      args: ['--config', join(FIXTURES, 'vitest.config.mjs')],
      env: { ...process.env, ATRIUM_FIXTURE: fixture, NO_COLOR: '1' },
      outDir,
      print: (line) => lines.push(line),
      quiet: true,
    });
    return { ...result, output: lines.join('\n') };
  }

  it('passes when every file passes', () => {
    const result = runFixture('passes.fixture.mjs');
    expect(result).toMatchObject({ passed: 1, failed: 0, exitCode: 0 });
  });

  it('fails and names a file whose worker was killed (SIGKILL) mid-test', () => {
    const result = runFixture('killed.fixture.mjs');
    expect(result).toMatchObject({ passed: 1, failed: 2, exitCode: 1 });
    expect(result.problems).toEqual([
      `${join(FIXTURES, 'killed.fixture.mjs')}: never finished (state pending)`,
      expect.stringMatching(/^unhandled error: .*Worker forks emitted error/),
    ]);
  });

  it('fails and names a file whose code calls process.exit', () => {
    const result = runFixture('exits.fixture.mjs');
    expect(result).toMatchObject({ passed: 1, failed: 1, exitCode: 1 });
    expect(result.output).toContain(join(FIXTURES, 'exits.fixture.mjs'));
  });

  it('fails on an unhandled rejection although every test passed', () => {
    const result = runFixture('unhandled.fixture.mjs');
    expect(result.exitCode).toBe(1);
    expect(result.passed).toBe(2);
    expect(result.failed).toBe(1);
    expect(result.output).toContain('rejected after the test');
  });

  it('fails and names a file that cannot load', () => {
    const result = runFixture('throws-on-load.fixture.mjs');
    expect(result.exitCode).toBe(1);
    expect(result.failed).toBe(1);
    expect(result.output).toContain('throws-on-load.fixture.mjs: failed outside its tests (cannot load this file)');
  });
});
