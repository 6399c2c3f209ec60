// `npm run bench`: runs every bench/<suite>/index.mjs in turn (one at a time: the machine has two
// cores, and a benchmark shares them with nothing else), or only the suites named as arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const suites = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'index.mjs')))
  .map((d) => d.name)
  .filter((name) => !wanted.length || wanted.includes(name));

let failed = 0;
for (const suite of suites) {
  const r = spawnSync(process.execPath, [join(here, suite, 'index.mjs')], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${suite} failed (exit ${r.status})`);
  }
}
console.log(`\n${suites.length - failed} suite(s) ran, ${failed} failed; results in bench/results/`);
process.exit(failed ? 1 : 0);
