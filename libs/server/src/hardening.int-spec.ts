import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureApp } from './bootstrap.js';
import { HealthModule, MetricsListener } from './health.js';
import { nestLogger } from './logging.js';
import { loadNextUi } from './next-ui.js';
import type { ObservabilityConfig } from './observability.js';

const PORTAL_UI = fileURLToPath(new URL('../../../apps/portal/ui', import.meta.url));
const TOKEN = 'metrics-token-0123456789abcdef';

@Controller('api/things')
class ThingsController {
  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }
}

/** An app as every service builds it, on a free port; `observability` as the environment would set it. */
async function start(observability: ObservabilityConfig, publicUrl: string) {
  @Module({ imports: [HealthModule.register({ service: 'test', observability })], controllers: [ThingsController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: nestLogger(observability, 'test', ['error']) });
  configureApp(app, { trustedProxies: ['127.0.0.1'], publicUrl, fallback: (await loadNextUi(PORTAL_UI))! });
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

let plain: { app: INestApplication; base: string };
let split: { app: INestApplication; base: string; metrics: string };

beforeAll(async () => {
  plain = await start({ logFormat: 'json', logLevel: 'error' }, 'http://127.0.0.1:1');
  const app = await start({ logFormat: 'json', logLevel: 'error', metricsPort: 0, metricsHost: '127.0.0.1', metricsToken: TOKEN }, 'https://photos.example');
  const address = app.app.get(MetricsListener).address() as AddressInfo;
  split = { ...app, metrics: `http://127.0.0.1:${address.port}` };
});

afterAll(async () => {
  await plain?.app.close();
  await split?.app.close();
});

const scriptNonces = (html: string) => [...html.matchAll(/<script\b[^>]*>/g)].map((m) => /nonce="([^"]+)"/.exec(m[0])?.[1]);

describe('security headers on every response', () => {
  it('sends helmet headers on API answers, errors and pages alike', async () => {
    for (const path of ['/api/things/1', '/api/nothing', '/healthz', '/', '/no/such/page']) {
      const res = await fetch(`${plain.base}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain('unsafe-eval');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('adds HSTS when the public URL is https', async () => {
    const res = await fetch(`${split.base}/api/things/1`);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it("gives each page a fresh nonce and puts it on every one of Next's scripts", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${plain.base}/signin`, { headers: { 'content-security-policy': "script-src 'nonce-chosen-by-client'" } });
      const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')![1]!;
      const html = await res.text();
      const onScripts = scriptNonces(html);
      expect(onScripts.length).toBeGreaterThan(1);
      expect(new Set(onScripts)).toEqual(new Set([nonce]));
      expect(html).not.toContain('nonce-chosen-by-client');
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(3);
  });
});

describe('request ids', () => {
  it("takes X-Request-Id only from a trusted proxy, and only when it is well-formed", async () => {
    const trusted = await fetch(`${plain.base}/healthz`, { headers: { 'x-request-id': 'edge-42.abc' } });
    expect(trusted.headers.get('x-request-id')).toBe('edge-42.abc');
    for (const bad of ['has space', 'x'.repeat(129), 'quote"d', '']) {
      const res = await fetch(`${plain.base}/healthz`, { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id'), bad).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('metrics', () => {
  it('counts requests by method, route template and status', async () => {
    const count = async (labels: string) => {
      const text = await (await fetch(`${plain.base}/metrics`)).text();
      expect(text).not.toContain('/api/things/abc');
      return Number(new RegExp(`http_request_duration_seconds_count\\{service="test",${labels}\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const thing = 'method="GET",route="/api/things/:id",status="200"';
    const unmatched = 'method="GET",route="\\(unmatched\\)",status="404"';
    const before = [await count(thing), await count(unmatched)];
    await fetch(`${plain.base}/api/things/abc`);
    await fetch(`${plain.base}/api/things/def`);
    await fetch(`${plain.base}/api/missing`);
    expect([await count(thing), await count(unmatched)]).toEqual([before[0]! + 2, before[1]! + 1]);
  });

  it('with METRICS_PORT: /metrics leaves the public port, health stays on both', async () => {
    expect((await fetch(`${split.base}/metrics`)).status).toBe(404);
    expect((await fetch(`${split.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    for (const base of [split.base, split.metrics]) {
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
    expect((await fetch(`${split.metrics}/api/things/1`)).status).toBe(404);
    expect((await fetch(`${split.metrics}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('with METRICS_TOKEN: /metrics needs the bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer ']) {
      const res = await fetch(`${split.metrics}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status, authorization).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'ERR_UNAUTHORIZED' } });
    }
    const ok = await fetch(`${split.metrics}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('http_request_duration_seconds');
  });
});
