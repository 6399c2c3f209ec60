import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without declarations
import { boundaryConfigs } from './boundaries.js';

// Each module boundary of docs/architecture.md §5 broken on purpose, in a file placed (by path,
// not on disk) inside the project it concerns, and linted with the repository's eslint.config.js.
const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The boundary messages ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${root}${filePath}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

async function expectRefused(filePath: string, code: string, reason: RegExp): Promise<void> {
  const errors = await boundaryErrors(filePath, code);
  expect(errors.length, `${filePath}: ${code}`).toBeGreaterThan(0);
  expect(errors.filter((e) => reason.test(e)), `${filePath}: ${code}: ${errors.join(' | ')}`).toHaveLength(1);
}

async function expectAllowed(filePath: string, code: string): Promise<void> {
  expect(await boundaryErrors(filePath, code), `${filePath}: ${code}`).toEqual([]);
}

describe('module boundaries in lint', () => {
  it('no lib imports an app, by package or by path', async () => {
    await expectRefused('libs/media/src/x.ts', "import { openPortalAdmin } from '@atrium/portal';", /lib never imports an app/);
    await expectRefused('libs/server/src/x.ts', "import { runIndex } from '@atrium/instance';", /lib never imports an app/);
    await expectRefused('libs/testing/src/x.ts', "import { PortalHarness } from '@atrium/portal/testing';", /lib never imports an app/);
    await expectRefused('libs/auth/src/x.ts', "import { main } from 'atrium';", /lib never imports an app/);
    await expectRefused('libs/media/src/jobs/x.ts', "import { Clock } from '../../../../apps/portal/src/common/clock.js';", /climbs out of src/);
  });

  it('no app imports another app; the CLI only through package entry points', async () => {
    await expectRefused('apps/instance/src/services/x.ts', "import { AdmissionService } from '@atrium/portal';", /never imports another app/);
    await expectRefused('apps/worker/src/services/x.ts', "import { runIndex } from '@atrium/instance';", /never imports another app/);
    await expectRefused('apps/portal/src/services/x.ts', "import { x } from '../../../instance/src/services/album.service.js';", /climbs out of src/);
    await expectAllowed('apps/cli/src/commands/x.ts', "import { openPortalAdmin } from '@atrium/portal';");
    await expectRefused('apps/cli/src/commands/x.ts', "import { openPortalAdmin } from '@atrium/portal/src/admin.js';", /package entry point/);
    await expectRefused('apps/cli/src/commands/x.ts', "import { openPortalAdmin } from '../../../portal/src/admin.js';", /climbs out of src/);
    await expectRefused('apps/worker/src/x.ts', "import { makePhoto } from '../../../libs/media/src/test/fixtures.js';", /climbs out of src/);
    await expectAllowed('apps/instance/src/services/x.ts', "import { SessionService } from './session.service.js';");
  });

  it('tests reach other apps through their /testing entry point, and only tests use one', async () => {
    await expectAllowed('apps/instance/src/controllers/x.int-spec.ts', "import { PortalHarness } from '@atrium/portal/testing';");
    await expectAllowed('apps/instance/src/test/x.ts', "import { WorkerProcess } from '@atrium/worker/testing';");
    await expectRefused('apps/instance/src/controllers/x.int-spec.ts', "import { AdmissionService } from '@atrium/portal';", /\/testing` entry point/);
    await expectRefused('apps/instance/src/services/x.ts', "import { PortalHarness } from '@atrium/portal/testing';", /never imports another app/);
    await expectRefused('apps/portal/src/services/x.ts', "import { startPostgres } from '@atrium/testing';", /for test files only/);
    await expectRefused('apps/worker/src/services/x.ts', "import { makePhoto } from '@atrium/media/testing';", /for test files only/);
  });

  it('libs/policy imports nothing of ours and nothing that does I/O', async () => {
    await expectRefused('libs/policy/src/x.ts', "import { readFileSync } from 'node:fs';", /policy is pure/);
    await expectRefused('libs/policy/src/x.ts', "import pg from 'pg';", /policy is pure/);
    await expectRefused('libs/policy/src/x.ts', "import { AuthError } from '@atrium/auth';", /policy is pure/);
    await expectRefused('libs/policy/src/x.ts', "export { parseConfig } from '@atrium/server';", /policy is pure/);
    await expectRefused('libs/policy/src/x.ts', "import { Clock } from '../../server/src/clock.js';", /climbs out of src/);
    await expectAllowed('libs/policy/src/x.ts', "import { roleRank } from './roles.js';");
    await expectAllowed('libs/policy/src/x.spec.ts', "import fc from 'fast-check';\nimport { it } from 'vitest';");
  });

  it('jose only in libs/auth and the portal’s oidc/', async () => {
    await expectRefused('apps/instance/src/services/x.ts', "import { createRemoteJWKSet } from 'jose';", /jose is used only in/);
    await expectRefused('apps/instance/src/controllers/x.int-spec.ts', "import { SignJWT } from 'jose';", /jose is used only in/);
    await expectRefused('apps/portal/src/services/x.ts', "import { jwtVerify } from 'jose';", /jose is used only in/);
    await expectRefused('libs/server/src/x.ts', "import type { JWK } from 'jose';", /jose is used only in/);
    await expectAllowed('libs/auth/src/x.ts', "import { jwtVerify } from 'jose';");
    await expectAllowed('apps/portal/src/oidc/x.ts', "import { jwtVerify } from 'jose';");
    await expectAllowed('apps/portal/src/oidc/x.int-spec.ts', "import { decodeJwt } from 'jose';");
  });

  it('controllers never see TypeORM or a repository', async () => {
    await expectRefused('apps/portal/src/controllers/x.controller.ts', "import { DataSource } from 'typeorm';", /Controllers go through services/);
    await expectRefused('apps/instance/src/controllers/x.controller.ts', "import type { EntityManager } from 'typeorm';", /Controllers go through services/);
    await expectRefused('apps/instance/src/controllers/x.controller.ts', "import { InjectRepository } from '@nestjs/typeorm';", /Controllers go through services/);
    await expectRefused('apps/portal/src/controllers/x.controller.ts', "import { AccountRepository } from '../repositories/account.repository.js';", /Controllers go through services/);
    await expectAllowed('apps/portal/src/services/x.service.ts', "import { AccountRepository } from '../repositories/account.repository.js';");
    await expectAllowed('apps/portal/src/controllers/x.controller.ts', "import { AccountService } from '../services/account.service.js';");
  });

  it('services never touch the DataSource', async () => {
    await expectRefused('apps/portal/src/services/x.service.ts', "import { DataSource } from 'typeorm';", /never touch the DataSource/);
    await expectRefused('apps/instance/src/services/indexing/x.ts', "import { DataSource } from 'typeorm';", /never touch the DataSource/);
    await expectRefused('apps/portal/src/oidc/x.service.ts', "import { DataSource } from 'typeorm';", /never touch the DataSource/);
    await expectRefused('apps/portal/src/services/outbox.worker.ts', "import { DataSource } from 'typeorm';", /never touch the DataSource/);
    await expectAllowed('apps/portal/src/services/x.service.ts', "import type { EntityManager } from 'typeorm';");
    await expectAllowed('apps/portal/src/repositories/x.repository.ts', "import { DataSource } from 'typeorm';");
    await expectAllowed('apps/portal/src/services/x.int-spec.ts', "import { DataSource } from 'typeorm';");
  });

  it('the tree as it is keeps every boundary', async () => {
    // Only the boundary rules (the rest is `npm run lint`'s): a third of the time of the full config.
    const boundariesOnly = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/next-env.d.ts'] },
        { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tseslint.parser } },
        ...boundaryConfigs(),
      ],
    });
    const results = await boundariesOnly.lintFiles(['apps', 'libs', 'tools']);
    const broken = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(broken).toEqual([]);
    expect(results.length).toBeGreaterThan(300);
  }, 180_000);
});
