import type { KoaContextWithOIDC } from 'oidc-provider';
import { cspNonce } from '@atrium/server';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Atrium</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f5f2;color:#222;margin:0}main{max-width:420px;margin:15vh auto;padding:24px;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.1)}button{font:inherit;padding:8px 16px;margin:4px 8px 4px 0;cursor:pointer}code{background:#eee;padding:0 4px}</style>
</head><body><main>${body}</main></body></html>`;
}

/**
 * RP-initiated logout. With an `id_token_hint` naming the signed-in account the page signs out at
 * once; without one the user confirms (docs/contracts.md §1).
 */
export function logoutPage(ctx: KoaContextWithOIDC, form: string): void {
  const hint = ctx.oidc.entities.IdTokenHint as { payload?: { sub?: string } } | undefined;
  const confirmed = hint?.payload?.sub !== undefined && hint.payload.sub === ctx.oidc.session?.accountId;
  const client = ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId;
  const body = `${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}
<h1>Sign out</h1>
<p>Sign out of Atrium${client ? ` (you came from <strong>${escapeHtml(client)}</strong>)` : ''}? Every library you opened from here is signed out too.</p>
<button type="submit" form="op.logoutForm" autofocus>Sign out</button>
${confirmed ? `<script nonce="${escapeHtml(cspNonce(ctx.res) ?? '')}">document.getElementById("op.logoutForm").submit()</script>` : ''}`;
  ctx.type = 'html';
  ctx.body = page('Sign out', body);
}

export function signedOutPage(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html';
  ctx.body = page(
    'Signed out',
    '<h1>Signed out</h1><p>You are signed out of Atrium.</p><p><a href="/signin">Sign in again</a></p>',
  );
}

/** Errors the issuer cannot send back to a relying party (bad client, unregistered redirect URI). */
export function errorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.body = page(
    'Sign-in error',
    `<h1>This sign-in request cannot be completed</h1><p><code>${escapeHtml(out.error)}</code></p><p>${escapeHtml(out.error_description ?? '')}</p><p><a href="/">Back to Atrium</a></p>`,
  );
}
