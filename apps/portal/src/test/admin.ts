import { generateTotpCode } from '@atrium/auth';
import { CookieJar } from '@atrium/testing';
import { PASSWORD, type PortalHarness } from './harness.js';

/** A browser-like client of the admin API: cookie jar, the portal's origin and the session's CSRF token. */
export class AdminClient {
  constructor(
    readonly portal: PortalHarness,
    readonly jar: CookieJar,
    public csrfToken: string | undefined,
    readonly totpSecret?: string,
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; origin?: string | null } = {},
  ): Promise<{
    status: number;
    body: Record<string, unknown> & { error?: { code: string } };
    res: Response;
  }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const origin = options.origin === undefined ? this.portal.url : options.origin;
    if (origin !== null) headers.origin = origin;
    if (options.csrf !== false && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const res = await this.jar.fetch(`${this.portal.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, res };
  }
}

/** Posts to the portal's own sign-in API with the session's CSRF token. */
async function post(portal: PortalHarness, jar: CookieJar, path: string, csrf: string, body: unknown = {}) {
  const res = await jar.fetch(`${portal.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: portal.url, 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * A cluster admin as `atrium users add --cluster-admin` makes one, signed in with a password and a
 * freshly enrolled TOTP (the sign-in flow asks an admin to enrol): a full session with `mfa`.
 */
export async function enrolledAdmin(
  portal: PortalHarness,
  username: string,
  name = '',
): Promise<AdminClient> {
  await portal.addUser(username, { clusterAdmin: true, name });
  const jar = new CookieJar();
  const first = await portal.signIn(jar, username);
  if (first.body.next !== 'enrol_totp')
    throw new Error(`expected enrolment, got ${JSON.stringify(first.body)}`);
  const enrolment = await post(portal, jar, '/api/auth/totp/enrol', first.body.csrfToken as string);
  const secret = enrolment.secret as string;
  const code = await generateTotpCode(secret, portal.clock.now());
  const done = await post(portal, jar, '/api/auth/totp/confirm', first.body.csrfToken as string, { code });
  return new AdminClient(portal, jar, done.csrfToken as string, secret);
}

/** A client signed in with a password only (a plain user, or an admin stopped before TOTP). */
export async function passwordOnly(
  portal: PortalHarness,
  username: string,
  password = PASSWORD,
): Promise<AdminClient> {
  const jar = new CookieJar();
  const result = await portal.signIn(jar, username, password);
  if (result.status !== 200) throw new Error(`sign-in of ${username} failed: ${JSON.stringify(result.body)}`);
  return new AdminClient(portal, jar, result.body.csrfToken as string);
}
