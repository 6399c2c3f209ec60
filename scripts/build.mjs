// Compiles every workspace package's src/ to dist/ with swc (Nest needs decorator metadata, which
// tsx/esbuild do not emit), then builds each app's Next.js UI. Runs on `npm install` (prepare).
// Incremental: a file is recompiled only when its source is newer than its output.
import { transformFile } from '@swc/core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--project') ? args[args.indexOf('--project') + 1] : undefined;
const skipUi = args.includes('--no-ui') || process.env.ATRIUM_SKIP_UI_BUILD === '1';

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true, tsx: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: true,
};

const isTest = (f) => /\.(spec|int-spec|e2e-spec)\.tsx?$/.test(f) || f.endsWith('.d.ts');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test' && entry.name !== '__fixtures__') yield* sources(full);
    } else if (/\.tsx?$/.test(entry.name) && !isTest(entry.name)) yield full;
  }
}

async function compilePackage(pkgDir) {
  const src = join(pkgDir, 'src');
  if (!existsSync(src)) return 0;
  let count = 0;
  for (const file of sources(src)) {
    const out = join(pkgDir, 'dist', relative(src, file)).replace(/\.tsx?$/, '.js');
    if (existsSync(out) && statSync(out).mtimeMs >= statSync(file).mtimeMs) continue;
    const { code, map } = await transformFile(file, { ...swcOptions, filename: file, sourceFileName: relative(dirname(out), file) });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${out}.map`, map);
    count++;
  }
  return count;
}

function buildUi(pkgDir) {
  const ui = join(pkgDir, 'ui');
  if (!existsSync(join(ui, 'next.config.mjs'))) return;
  const marker = join(ui, '.next', 'BUILD_ID');
  if (existsSync(marker) && newest(ui) <= statSync(marker).mtimeMs) return;
  console.log(`next build ${relative(root, ui)}`);
  const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const r = spawnSync(process.execPath, [next, 'build', ui], {
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) {
    rmSync(join(ui, '.next'), { recursive: true, force: true });
    throw new Error(`next build failed for ${ui}`);
  }
}

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

const dirs = ['libs', 'apps']
  .flatMap((d) => readdirSync(join(root, d)).map((n) => join(root, d, n)))
  .filter((d) => existsSync(join(d, 'package.json')))
  .filter((d) => !only || relative(root, d) === only.replace(/\/$/, ''));

let total = 0;
for (const dir of dirs) total += await compilePackage(dir);
if (!skipUi) for (const dir of dirs) buildUi(dir);
console.log(`atrium build: ${total} file(s) compiled`);
