import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// For the instance's browser tests: the UI they drive, and where their screenshots go.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `e2e/screenshots/`, made on first use. */
export const SCREENSHOTS = join(ROOT, 'e2e', 'screenshots');

/**
 * Builds the instance's Next UI when its sources changed (incremental; `npm test` has usually built
 * it already), so a browser test run on its own finds the pages it drives; makes the screenshot folder.
 */
export function buildInstanceUi(): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--project', 'apps/instance'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`instance UI build failed: ${build.stdout}${build.stderr}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
}
