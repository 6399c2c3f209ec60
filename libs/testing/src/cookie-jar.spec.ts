import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar.js';

const at = (url: string) => new URL(url);

describe('CookieJar', () => {
  it('shares cookies between ports of one host, as browsers do, but not between hosts', () => {
    const jar = new CookieJar();
    jar.store(at('http://127.0.0.1:8081/login'), ['atrium_family=abc; Path=/; HttpOnly; SameSite=Lax']);
    expect(jar.header(at('http://127.0.0.1:8082/'))).toBe('atrium_family=abc');
    expect(jar.header(at('http://localhost:8081/'))).toBe('');
  });

  it('scopes cookies by path, defaulting to the folder of the request', () => {
    const jar = new CookieJar();
    jar.store(at('http://idp.test/interaction/abc'), ['_interaction=1; Path=/interaction/abc']);
    jar.store(at('http://idp.test/auth/xyz'), ['resume=2']);
    expect(jar.header(at('http://idp.test/interaction/abc'))).toBe('_interaction=1');
    expect(jar.header(at('http://idp.test/interaction/abc/login'))).toBe('_interaction=1');
    expect(jar.header(at('http://idp.test/interaction/abcdef'))).toBe('');
    expect(jar.get('http://idp.test/auth/other', 'resume')).toBe('2');
    expect(jar.get('http://idp.test/', 'resume')).toBeUndefined();
  });

  it('deletes cookies that expire, and replaces cookies set again', () => {
    const jar = new CookieJar();
    const url = at('http://app.test/');
    jar.store(url, ['a=1', 'b=1', 'c=1']);
    jar.store(url, ['a=; Max-Age=0', 'b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'c=2']);
    expect(jar.header(url)).toBe('c=2');
  });

  it('sends Domain cookies to subdomains and Secure cookies only over https or loopback', () => {
    const jar = new CookieJar();
    jar.store(at('https://portal.atrium.test/'), ['sso=1; Domain=.atrium.test; Secure']);
    expect(jar.header(at('https://family.atrium.test/'))).toBe('sso=1');
    expect(jar.header(at('http://family.atrium.test/'))).toBe('');
    jar.store(at('http://127.0.0.1:8080/'), ['local=1; Secure']);
    expect(jar.header(at('http://127.0.0.1:8081/'))).toBe('local=1');
  });

  it('ignores malformed Set-Cookie headers', () => {
    const jar = new CookieJar();
    const url = at('http://app.test/');
    jar.store(url, ['', '=novalue', 'no-equals-sign', ';;;', 'ok=1; Path=relative']);
    expect(jar.header(url)).toBe('ok=1');
  });
});
