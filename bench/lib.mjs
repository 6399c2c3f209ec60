// Shared helpers for benchmarks: every figure is measured against a bare baseline in the same run
// and reported as a ratio, never asserted in a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
export async function opsPerSecond(fn, { ms = 2000, warmupMs = 300, batch = 1 } = {}) {
  const until = (t) => performance.now() < t;
  let end = performance.now() + warmupMs;
  while (until(end)) for (let i = 0; i < batch; i++) await fn();
  let ops = 0;
  const start = performance.now();
  end = start + ms;
  while (until(end)) {
    for (let i = 0; i < batch; i++) await fn();
    ops += batch;
  }
  return (ops * 1000) / (performance.now() - start);
}

/** p-th percentile (0–100) of a list of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Prints rows as a table (scenario, figure, baseline, ratio, goal) and saves them to
 * bench/results/<suite>.json. `higherIsBetter` decides how the ratio reads.
 */
export function report(suite, rows) {
  const fmt = (n) => (typeof n === 'number' ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)) : String(n ?? ''));
  const table = rows.map((r) => ({
    scenario: r.scenario,
    figure: `${fmt(r.figure)} ${r.unit ?? ''}`.trim(),
    baseline: r.baseline === undefined ? '' : `${fmt(r.baseline)} ${r.unit ?? ''} (${r.baselineName})`.trim(),
    ratio: r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    goal: r.goal ?? '',
  }));
  const cols = ['scenario', 'figure', 'baseline', 'ratio', 'goal'];
  const widths = cols.map((c) => Math.max(c.length, ...table.map((r) => r[c].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${suite}`);
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of table) console.log(line(cols.map((c) => r[c])));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${suite}.json`), JSON.stringify({ suite, at: new Date().toISOString(), rows }, null, 2));
}
