import { CookieJar } from './cookie-jar.js';
import { HarnessError } from './errors.js';

const MAX_STEPS = 15;
const LOGIN_FORM = /<form method="post" action="([^"]+\/login)"/;

/** Credentials for {@link driveOidcLogin}; pass a jar to keep the IdP session between logins. */
export interface OidcLoginCredentials {
  username: string;
  password: string;
  jar?: CookieJar;
}

function formPost(username: string, password: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  };
}

/**
 * Walks the test IdP's authorization flow over plain HTTP: follows its redirects, fills in its
 * login form once, and resolves to the first redirect that leaves the IdP (the client's
 * redirect_uri with `code` and `state`, or with `error`). Throws `ERR_OIDC_LOGIN_REJECTED` for
 * wrong credentials and `ERR_OIDC_LOGIN` for any other page the IdP answers with.
 */
export async function driveOidcLogin(
  authorizationUrl: string | URL,
  credentials: OidcLoginCredentials,
): Promise<URL> {
  const jar = credentials.jar ?? new CookieJar();
  const idp = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let init: RequestInit = {};
  let submitted = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await jar.fetch(url, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      const next = new URL(location, url);
      if (next.origin !== idp) return next;
      [url, init] = [next, {}];
      continue;
    }
    const body = await response.text();
    if (submitted && response.status === 401) {
      throw new HarnessError('ERR_OIDC_LOGIN_REJECTED', `the IdP refused ${credentials.username}`);
    }
    const form = LOGIN_FORM.exec(body);
    if (response.ok && form !== null && !submitted) {
      [url, init, submitted] = [
        new URL(form[1] ?? '', url),
        formPost(credentials.username, credentials.password),
        true,
      ];
      continue;
    }
    throw new HarnessError(
      'ERR_OIDC_LOGIN',
      `unexpected ${response.status} from ${url.pathname}: ${body.slice(0, 500)}`,
    );
  }
  throw new HarnessError('ERR_OIDC_LOGIN', `no redirect back to the client after ${MAX_STEPS} steps`);
}
