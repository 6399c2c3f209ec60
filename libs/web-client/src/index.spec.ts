import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure, api, forgetCsrfToken } from './index.js';

// A unit test of the client's logic; the UIs' int tests drive it against the real apps in Chromium.
type Call = { path: string; init: RequestInit };
let calls: Call[];
let answers: Array<{ status: number; body: string }>;

beforeEach(() => {
  calls = [];
  answers = [];
  forgetCsrfToken();
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    calls.push({ path, init });
    const { status, body } = answers.shift() ?? { status: 200, body: '{}' };
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => vi.unstubAllGlobals());

const headers = (i: number) => calls[i]!.init.headers as Record<string, string>;

describe('the shared web client', () => {
  it('GETs without a body and POSTs JSON, same-origin', async () => {
    answers.push({ status: 200, body: '{"a":1}' }, { status: 200, body: '{"ok":true}' });
    expect(await api('/api/session')).toEqual({ a: 1 });
    expect(await api('/api/thing', { name: 'x' })).toEqual({ ok: true });
    expect(calls[0]!.init).toMatchObject({ method: 'GET', credentials: 'same-origin', body: undefined });
    expect(calls[1]!.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"name":"x"}' });
    expect(headers(1)['content-type']).toBe('application/json');
  });

  it('sends the CSRF token of the last answer that carried one, on POSTs only', async () => {
    answers.push({ status: 200, body: '{"csrfToken":"t-1"}' }, { status: 200, body: '{}' }, { status: 200, body: '{}' });
    await api('/api/session');
    await api('/api/session');
    await api('/api/auth/logout', {});
    expect(headers(1)['x-csrf-token']).toBeUndefined();
    expect(headers(2)['x-csrf-token']).toBe('t-1');
    forgetCsrfToken();
    await api('/api/auth/logout', {});
    expect(headers(3)['x-csrf-token']).toBeUndefined();
  });

  it('throws the app error with its status and stable code', async () => {
    answers.push({ status: 429, body: '{"error":{"code":"ERR_THROTTLED","message":"slow down","details":{"retryAfter":30}}}' });
    const failure = await api('/api/auth/password', {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ status: 429, error: { code: 'ERR_THROTTLED', details: { retryAfter: 30 } } });
  });

  it('turns an answer that is not JSON into ERR_HTTP, and a non-JSON success into {}', async () => {
    answers.push({ status: 502, body: '<html>bad gateway</html>' }, { status: 200, body: 'plain' });
    expect(await api('/api/x').catch((e: unknown) => e)).toMatchObject({ status: 502, error: { code: 'ERR_HTTP', message: 'HTTP 502' } });
    expect(await api('/api/y')).toEqual({});
  });
});
