import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';

/** Checks a username and password; resolves to the account id (`sub`) or undefined. */
export type VerifyPassword = (username: string, password: string) => string | undefined;

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/;
const BODY_LIMIT = 64 * 1024;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The IdP's sign-in page: plain HTML a browser or an HTTP client can submit. */
export function loginPage(uid: string, error?: string): string {
  const base = `/interaction/${escapeHtml(uid)}`;
  const alert = error === undefined ? '' : `<p role="alert">${escapeHtml(error)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - test IdP</title></head>
<body><h1>Sign in to the test IdP</h1>${alert}
<form method="post" action="${base}/login">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${base}/abort"><button type="submit">Cancel</button></form>
</body></html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > BODY_LIMIT) break;
  }
  return new URLSearchParams(body);
}

/** Grants whatever the client asked for: the test IdP's users never see a consent screen. */
async function autoConsent(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
  if (grant === undefined) throw new Error(`grant ${grantId} vanished`);
  const details = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const result: InteractionResults = { consent: { grantId: await grant.save() } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

async function submitLogin(
  provider: Provider,
  verify: VerifyPassword,
  uid: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = await readForm(req);
  const accountId = verify(form.get('username') ?? '', form.get('password') ?? '');
  if (accountId === undefined) {
    sendHtml(res, 401, loginPage(uid, 'Invalid username or password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

/**
 * Serves `/interaction/:uid` (login form, or auto-consent), `POST …/login` and `POST …/abort`.
 * Resolves false for any other path, which the provider itself serves.
 */
export async function handleInteraction(
  provider: Provider,
  verify: VerifyPassword,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const match = INTERACTION_PATH.exec(new URL(req.url ?? '/', 'http://idp').pathname);
  if (match === null) return false;
  const [, uid = '', action] = match;
  try {
    if (req.method === 'POST' && action === '/login') await submitLogin(provider, verify, uid, req, res);
    else if (req.method === 'POST' && action === '/abort') {
      const aborted = { error: 'access_denied', error_description: 'End-User aborted interaction' };
      await provider.interactionFinished(req, res, aborted, { mergeWithLastSubmission: false });
    } else if (req.method === 'GET' && action === undefined) {
      const { prompt } = await provider.interactionDetails(req, res);
      if (prompt.name === 'login') sendHtml(res, 200, loginPage(uid));
      else await autoConsent(provider, req, res);
    } else sendHtml(res, 405, '<h1>Method not allowed</h1>');
  } catch (error) {
    const status = (error as { status?: number }).status ?? 500;
    sendHtml(res, status, `<h1>${escapeHtml(String((error as Error).message))}</h1>`);
  }
  return true;
}
