import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import workspace packages from their sources, so no build is needed before a test run.
// `@atrium/<name>/testing` (a project's helpers for other projects' tests) comes before
// `@atrium/<name>`, which would otherwise match it as a prefix.
const projects = ['libs', 'apps'].flatMap((group) =>
  readdirSync(`${root}${group}`)
    .filter((name) => existsSync(`${root}${group}/${name}/src/index.ts`))
    .map((name) => ({ name, src: `${root}${group}/${name}/src` })),
);
const alias = Object.fromEntries([
  ...projects
    .filter(({ src }) => existsSync(`${src}/testing.ts`))
    .map(({ name, src }) => [`@atrium/${name}/testing`, `${src}/testing.ts`]),
  ...projects.map(({ name, src }) => [`@atrium/${name}`, `${src}/index.ts`]),
]);

// swc, not esbuild: Nest's dependency injection needs decorator metadata.
const plugins = [swc.vite({ jsc: { target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } } })];
const shared = { resolve: { alias }, plugins };

export default defineConfig({
  ...shared,
  test: {
    coverage: {
      provider: 'v8',
      include: ['libs/*/src/**/*.ts'],
      exclude: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/testing/**'],
      reporter: ['text-summary', 'text'],
    },
    projects: [
      {
        ...shared,
        test: { name: 'unit', include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts', 'scripts/**/*.spec.ts', 'tools/**/*.spec.ts'], environment: 'node' },
      },
      {
        ...shared,
        test: {
          name: 'int',
          include: ['libs/*/src/**/*.int-spec.ts', 'apps/*/src/**/*.int-spec.ts', 'deploy/**/*.int-spec.ts'],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e-spec.ts'],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
