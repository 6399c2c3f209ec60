// The module boundaries of docs/architecture.md §5, as ESLint `no-restricted-imports` options built
// from each project's Nx tags (project.json): one place that says which project may import what.
//
//   type:app              an app; no lib imports one, no app imports another's source
//   scope:cli             the CLI: may import the other apps, through their package entry points only
//   type:lib              a lib (imports no app)
//   type:pure             imports nothing but its own relative files (libs/policy: no I/O)
//
// Beyond the tags: `jose` only in JOSE_ALLOWED; controllers never see TypeORM or a repository,
// services never the DataSource;
// a `/testing` entry point and @atrium/testing only in test files.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `jose` may be imported: libs/auth and the portal's OIDC issuer. */
export const JOSE_ALLOWED = ['libs/auth/**', 'apps/portal/src/oidc/**'];
/** Test code: specs, test helpers, `testing.ts` entry points, fixtures. */
export const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**', '**/testing.ts', '**/__fixtures__/**'];
export const CONTROLLER_FILES = ['**/*.controller.ts'];
/** Services reach the database through repositories (a transaction's EntityManager may pass through). */
export const SERVICE_FILES = ['**/services/**/*.{ts,tsx}', '**/*.service.ts', '**/*.worker.ts'];
const CODE = '**/*.{ts,tsx,js,mjs,cjs}';

/** Every project: its folder, package name and tags. */
export function readProjects(workspace = root) {
  return ['apps', 'libs'].flatMap((group) =>
    readdirSync(join(workspace, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(workspace, group, d.name, 'project.json')))
      .map((d) => {
        const dir = `${group}/${d.name}`;
        const project = JSON.parse(readFileSync(join(workspace, dir, 'project.json'), 'utf8'));
        const pkg = JSON.parse(readFileSync(join(workspace, dir, 'package.json'), 'utf8'));
        return { dir, name: pkg.name, tags: project.tags ?? [] };
      }),
  );
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (names) => `(?:${names.map(escape).join('|')})`;

/** The `no-restricted-imports` options for one kind of file of one project. */
export function restrictionsFor(project, projects, { test, controller, service = false, jose }) {
  const has = (tag) => project.tags.includes(tag);
  const apps = projects.filter((p) => p.tags.includes('type:app') && p.name !== project.name).map((p) => p.name);
  const paths = [];
  const patterns = [
    {
      regex: '^(?:\\.\\./)+(?:[^/]+/)*src(?:/|$)|^(?:\\.\\./)+(?:apps|libs)/',
      message:
        'A relative import that climbs out of src/ reaches into another project: import its package, or its `/testing` entry point from a test (docs/architecture.md §5).',
    },
    {
      regex: `^${anyOf(projects.map((p) => p.name))}/(?:src|dist)(?:/|$)`,
      message: "Import a project through its package entry point, not its files (docs/architecture.md §5).",
    },
  ];
  if (has('type:lib') && apps.length) {
    patterns.push({
      regex: `^${anyOf(apps)}(?:/|$)`,
      message: 'A lib never imports an app (docs/architecture.md §5).',
    });
  } else if (has('type:app') && !has('scope:cli') && apps.length) {
    patterns.push({
      regex: test ? `^${anyOf(apps)}(?:/(?!testing$).*)?$` : `^${anyOf(apps)}(?:/|$)`,
      message: test
        ? "A test reaches another app only through its `/testing` entry point (docs/architecture.md §5)."
        : "An app never imports another app; only the CLI does, through package entry points (docs/architecture.md §5).",
    });
  }
  if (has('type:pure')) {
    patterns.push({
      regex: test ? '^(?!\\.{1,2}/|vitest$|fast-check$)' : '^(?!\\.{1,2}/)',
      message:
        'libs/policy is pure: it imports nothing of ours and nothing that does I/O, only its own files (docs/architecture.md §5).',
    });
  }
  if (!test) {
    patterns.push({
      regex: '^(?:@atrium/testing|(?:@atrium/[^/]+|atrium)/testing)$',
      message: 'Test helpers (@atrium/testing, `/testing` entry points) are for test files only (docs/architecture.md §5).',
    });
  }
  if (!jose) {
    paths.push({
      name: 'jose',
      message: 'jose is used only in libs/auth and apps/portal/src/oidc/; use @atrium/auth (docs/architecture.md §5).',
    });
  }
  if (controller) {
    const message =
      'Controllers go through services: no TypeORM DataSource/EntityManager/repositories here (docs/architecture.md §5).';
    paths.push({ name: 'typeorm', message }, { name: '@nestjs/typeorm', message });
    patterns.push({ regex: '(?:^|/)repositories/|\\.repository(?:\\.js)?$', message });
  }
  if (service) {
    paths.push({
      name: 'typeorm',
      importNames: ['DataSource'],
      message: 'Services never touch the DataSource: a repository runs the statement or the transaction (docs/architecture.md §5).',
    });
  }
  return { paths, patterns };
}

const rule = (options) => ({ 'no-restricted-imports': ['error', options] });

/**
 * Flat-config objects, from general to specific: for a file matched by several, the last wins,
 * and each carries the complete list for its kind of file.
 */
export function boundaryConfigs(projects = readProjects()) {
  const configs = [];
  for (const project of projects) {
    const at = (globs) => globs.map((g) => `${project.dir}/${g}`);
    const joseDirs = JOSE_ALLOWED.filter((g) => g.startsWith(`${project.dir}/`));
    const joseProject = joseDirs.includes(`${project.dir}/**`);
    const make = (name, files, kind) => ({
      name: `boundaries/${project.name}/${name}`,
      files,
      rules: rule(restrictionsFor(project, projects, kind)),
    });
    configs.push(
      make('source', at([CODE]), { test: false, controller: false, jose: joseProject }),
      make('services', at(SERVICE_FILES), { test: false, controller: false, service: true, jose: joseProject }),
      make('tests', at(TEST_FILES), { test: true, controller: false, jose: joseProject }),
      make('controllers', at(CONTROLLER_FILES), { test: false, controller: true, jose: joseProject }),
    );
    for (const dir of joseDirs.filter((g) => g !== `${project.dir}/**`)) {
      const base = dir.replace(/\/\*\*$/, '');
      const under = (globs) => globs.map((g) => `${base}/${g}`);
      configs.push(
        make(`${base}/source`, under([CODE]), { test: false, controller: false, jose: true }),
        make(`${base}/services`, under(SERVICE_FILES), { test: false, controller: false, service: true, jose: true }),
        make(`${base}/tests`, under(TEST_FILES), { test: true, controller: false, jose: true }),
      );
    }
  }
  return configs;
}
