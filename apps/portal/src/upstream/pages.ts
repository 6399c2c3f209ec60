import type { Response } from 'express';
import { escapeHtml, page } from '../oidc/pages.js';

/**
 * A short page for a sign-in through an organization that did not end signed in: a clear
 * sentence, a way back, and the reason code an admin finds in `atrium audit logins`.
 */
export function refusalPage(
  res: Response,
  status: number,
  input: { title: string; message: string; reason?: string; retry?: string },
): void {
  const retry = input.retry ? `<p><a href="${escapeHtml(input.retry)}">Try again</a></p>` : '';
  const reason = input.reason
    ? `<p style="color:#666;font-size:.9em">Reference for your admin: <code>${escapeHtml(input.reason)}</code></p>`
    : '';
  res
    .status(status)
    .type('html')
    .setHeader('cache-control', 'no-store')
    .send(
      page(
        input.title,
        `<h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.message)}</p>${retry}<p><a href="/signin">Back to sign-in</a></p>${reason}`,
      ),
    );
}
