// `npm test`: every tier (unit, integration against real services, browser journeys) in one vitest
// run that prints one total, then the lint (module boundaries included). System packages the tests
// need are installed first (as root) or named. The last line is `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './system-deps.mjs';
import { runCounted } from './test-totals/run.mjs';
import { totalsLine } from './test-totals/count.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
await ensureSystemDeps({});

// The CLI and `atrium start` tests run the compiled apps: make sure dist/ is current.
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const env = { ...process.env, NO_COLOR: process.env.CI ? '1' : (process.env.NO_COLOR ?? '') };
const result = runCounted({ root, args, env, outDir: join(root, '.test-tmp') });

// The lint belongs to the whole tree: it runs with a full `npm test`, not with a filtered one.
let lintFailed = 0;
if (args.length === 0) {
  const eslint = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const lint = spawnSync(process.execPath, [eslint, '.'], { stdio: 'inherit', cwd: root, env });
  if (lint.status !== 0) {
    lintFailed = 1;
    console.log('\nWhat failed:\n  - npm run lint: eslint reported problems (see above)');
  }
}

const failed = result.failed + lintFailed;
console.log(`\n${totalsLine({ passed: result.passed, failed })}`);
process.exit(result.exitCode === 0 && failed === 0 ? 0 : 1);
