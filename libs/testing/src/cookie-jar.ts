interface StoredCookie {
  name: string;
  value: string;
  /** The host it was set by, or its Domain attribute. */
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  expiresAt: number | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
// Browsers treat loopback as a secure context, so Secure cookies still flow over http there.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : url.pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function parseSetCookie(header: string, url: URL, now: number): StoredCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: StoredCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    domain: url.hostname,
    hostOnly: true,
    path: defaultPath(url),
    secure: false,
    expiresAt: undefined,
  };
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'domain' && value !== '') {
      cookie.domain = value.replace(/^\./, '').toLowerCase();
      cookie.hostOnly = false;
    } else if (key === 'secure') cookie.secure = true;
    else if (key === 'max-age') cookie.expiresAt = now + Number(value) * 1000;
    else if (key === 'expires' && cookie.expiresAt === undefined) cookie.expiresAt = Date.parse(value);
  }
  return cookie;
}

/**
 * A cookie jar for driving web flows over plain HTTP in tests. Like a browser it keys cookies by
 * host, not port (so 127.0.0.1:8081 and :8082 share a jar), honours Path, Domain, Max-Age and
 * Expires, and follows redirects itself so that cookies set along the way are kept.
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** `fetch` with this jar's cookies; follows redirects unless `init.redirect` says otherwise. */
  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    let url = new URL(input);
    let current: RequestInit = init;
    for (let hop = 0; ; hop++) {
      const headers = new Headers(current.headers);
      const cookie = this.header(url);
      if (cookie !== '') headers.set('cookie', cookie);
      const response = await fetch(url, { ...current, headers, redirect: 'manual' });
      this.store(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      const follow = (init.redirect ?? 'follow') === 'follow';
      if (!follow || !REDIRECTS.has(response.status) || location === null || hop === MAX_REDIRECTS)
        return response;
      await response.body?.cancel();
      url = new URL(location, url);
      // 303, and 301/302 after a POST, turn into a GET without a body, as browsers do.
      const keepMethod = response.status === 307 || response.status === 308;
      current = keepMethod ? current : { ...current, method: 'GET', body: undefined };
    }
  }

  /** The value of cookie `name` that a request to `url` would send. */
  get(url: string | URL, name: string): string | undefined {
    return this.matching(new URL(url)).find((cookie) => cookie.name === name)?.value;
  }

  /** Stores the `Set-Cookie` headers of a response to `url`. */
  store(url: URL, setCookieHeaders: string[]): void {
    const now = Date.now();
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(header, url, now);
      if (cookie === undefined) continue;
      const key = `${cookie.domain}|${cookie.path}|${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header for a request to `url` (empty when none applies). */
  header(url: URL): string {
    return this.matching(url)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  private matching(url: URL): StoredCookie[] {
    const now = Date.now();
    const host = url.hostname.toLowerCase();
    const secure = url.protocol === 'https:' || LOOPBACK.has(host);
    return [...this.cookies.values()]
      .filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now)
      .filter((cookie) =>
        cookie.hostOnly
          ? host === cookie.domain
          : host === cookie.domain || host.endsWith(`.${cookie.domain}`),
      )
      .filter((cookie) => pathMatches(url.pathname, cookie.path) && (!cookie.secure || secure))
      .sort((a, b) => b.path.length - a.path.length);
  }
}
