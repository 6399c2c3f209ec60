import { CookieJar } from '@atrium/testing';

/** A JSON answer of the portal's API, loosely typed for tests. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  setCookie: string[];
}

/** Calls the portal's API as its own pages do: JSON, same origin, the jar's cookies. */
export async function call(
  baseUrl: string,
  jar: CookieJar,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await jar.fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: baseUrl, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, setCookie: res.headers.getSetCookie() };
}

/** Calls a signed-in route with the session's CSRF token. */
export async function callSignedIn(
  baseUrl: string,
  jar: CookieJar,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const token = (await call(baseUrl, jar, 'GET', '/api/session')).body.csrfToken as string;
  return call(baseUrl, jar, method, path, body, method === 'GET' ? {} : { 'x-csrf-token': token });
}
