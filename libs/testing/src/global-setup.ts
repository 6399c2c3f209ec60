import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';
import { POSTGRES_URL_KEY } from './provided-context.js';

interface SystemDepsModule {
  ensureSystemDeps(options: { need?: string[]; quiet?: boolean }): Promise<unknown>;
}

// The script is plain JavaScript shared with the command line, outside any TypeScript project.
const SYSTEM_DEPS = new URL('../../../scripts/system-deps.mjs', import.meta.url);

/**
 * vitest globalSetup of the `int` and `e2e` projects: checks the Debian packages (installing
 * them as root), starts one Postgres for the whole run and provides its URL as `postgresUrl`.
 */
export default async function globalSetup({ provide }: TestProject): Promise<() => Promise<void>> {
  const { ensureSystemDeps } = (await import(SYSTEM_DEPS.href)) as SystemDepsModule;
  await ensureSystemDeps({ quiet: true });
  const postgres = await startPostgres();
  provide(POSTGRES_URL_KEY, postgres.url);
  return () => postgres.stop();
}
