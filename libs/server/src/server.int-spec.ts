import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@atrium/testing';
import { configureApp } from './bootstrap.js';
import { createDataSource, dataSourceOptions, databaseCheck, migrateDatabase, pendingMigrations } from './database.js';
import { ServerError } from './errors.js';
import { HealthModule, type ReadinessCheck } from './health.js';
import { loadNextUi } from './next-ui.js';
import { SettingEntity, Settings1763900000000, getSetting, putSetting } from './settings.js';

const PORTAL_UI = fileURLToPath(new URL('../../../apps/portal/ui', import.meta.url));

let db: TestDatabase;
let app: INestApplication;
let base: string;
const toggle = { up: true };
const flaky: ReadinessCheck = {
  name: 'flaky',
  check: async () => {
    if (!toggle.up) throw new Error('connection refused');
  },
};

@Controller('api/things')
class ThingsController {
  @Get('locked')
  locked() {
    throw new ServerError('ERR_THING_LOCKED', 'This thing is locked', 409);
  }

  @Get('broken')
  broken() {
    throw new Error('password=hunter2 leaked in a stack');
  }
}

describe('libs/server against a real Postgres', () => {
  beforeAll(async () => {
    db = await createTestDatabase('server');
    const options = { url: db.url, entities: [SettingEntity], migrations: [Settings1763900000000] };
    expect(await migrateDatabase(options)).toEqual(['Settings1763900000000']);

    @Module({
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(options)),
        HealthModule.register({ service: 'test', checks: { inject: [DataSource], useFactory: (ds: DataSource) => [databaseCheck(ds), flaky] } }),
      ],
      controllers: [ThingsController],
    })
    class TestModule {}

    app = await NestFactory.create(TestModule, { logger: false });
    const ui = await loadNextUi(PORTAL_UI);
    expect(ui).not.toBeNull();
    configureApp(app, { fallback: ui! });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('migrates once: a second run applies nothing, and the table works', async () => {
    const options = { url: db.url, entities: [SettingEntity], migrations: [Settings1763900000000] };
    expect(await migrateDatabase(options)).toEqual([]);
    const ds = createDataSource(options);
    await ds.initialize();
    try {
      expect(await pendingMigrations(ds)).toEqual([]);
      expect(await getSetting(ds, 'missing')).toBeUndefined();
      await putSetting(ds, 'node', { clientId: 'a' });
      await putSetting(ds, 'node', { clientId: 'b' });
      expect(await getSetting(ds, 'node')).toEqual({ clientId: 'b' });
    } finally {
      await ds.destroy();
    }
  });

  it('gives every pooled connection its session settings, and refuses a name that is not one', async () => {
    const settings = { max_parallel_workers_per_gather: 0, 'application.flavour': 'plain' };
    const ds = createDataSource({ url: db.url, entities: [], migrations: [], poolSize: 3, sessionSettings: settings });
    await ds.initialize();
    try {
      // Three at once take three connections of the pool: each has the settings.
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          ds.query(`SELECT current_setting('max_parallel_workers_per_gather') AS workers, current_setting('application.flavour') AS flavour, pg_backend_pid() AS pid, pg_sleep(0.05)`),
        ),
      );
      expect(new Set(answers.map((rows) => rows[0].pid)).size).toBe(3);
      expect(answers.map((rows) => [rows[0].workers, rows[0].flavour])).toEqual([['0', 'plain'], ['0', 'plain'], ['0', 'plain']]);
    } finally {
      await ds.destroy();
    }
    expect(() => createDataSource({ url: db.url, entities: [], migrations: [], sessionSettings: { 'work_mem = 1; DROP': 1 } })).toThrow(/not a Postgres setting name/);
  });

  it('answers /healthz, and /readyz only while every dependency answers', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', flaky: 'ok' } });
    toggle.up = false;
    const notReady = await fetch(`${base}/readyz`);
    toggle.up = true;
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: { database: 'ok', flaky: 'failed: connection refused' } });
  });

  it('serves Prometheus metrics labelled with the service', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toMatch(/process_cpu_user_seconds_total\{service="test"\}/);
  });

  it('maps stable error codes to HTTP and hides server errors', async () => {
    const locked = await fetch(`${base}/api/things/locked`);
    expect(locked.status).toBe(409);
    expect(await locked.json()).toEqual({ error: { code: 'ERR_THING_LOCKED', message: 'This thing is locked' } });
    const broken = await fetch(`${base}/api/things/broken`);
    expect(broken.status).toBe(500);
    expect(await broken.text()).not.toContain('hunter2');
    const missing = await fetch(`${base}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
  });

  it('hands page requests to the mounted Next.js UI, after the API', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Atrium');
    const unknownPage = await fetch(`${base}/no/such/page`);
    expect(unknownPage.status).toBe(404);
    expect(unknownPage.headers.get('content-type')).toContain('text/html');
    const post = await fetch(`${base}/`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
  });
});
