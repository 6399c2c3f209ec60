import { defineCommand, UsageError } from '../cli.js';
import { ADMIN_OPTIONS, str, withPortal } from './admin.js';

export const auditCommands = [
  defineCommand({
    path: ['audit', 'admin'],
    args: '[SEARCH]',
    summary: 'Admin actions, newest first: who granted, changed or removed what, and when.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) =>
        out.rows(
          await portal.audit.adminEntries(positionals[0]),
          ['at', 'actor', 'action', 'target', 'details']),
      ),
  }),
  defineCommand({
    path: ['audit', 'logins'],
    args: '[SEARCH]',
    summary:
      'Sign-in attempts, newest first, with method, provider, result and reason code (why an OIDC or LDAP sign-in failed); SEARCH looks in username, address, reason, method and provider.',
    options: {
      method: { type: 'string' },
      result: { type: 'string' },
      reason: { type: 'string' },
      provider: { type: 'string' },
      limit: { type: 'string' },
      before: { type: 'string' },
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals, out }) => {
      const limit = str(values, 'limit');
      if (limit !== undefined && !/^\d{1,4}$/.test(limit)) throw new UsageError('--limit takes a number from 1 to 1000');
      return withPortal(values, async (portal) => {
        const page = await portal.logins.list({
          search: positionals[0],
          method: str(values, 'method'),
          result: str(values, 'result'),
          reason: str(values, 'reason'),
          provider: str(values, 'provider'),
          cursor: str(values, 'before'),
          limit: limit === undefined ? 100 : Number(limit),
        });
        out.rows(
          page.entries,
          ['id', 'at', 'method', 'provider', 'result', 'reason', 'username', 'ip', 'userAgent']);
        if (page.nextCursor && !out.json) console.error(`older entries: --before ${page.nextCursor}`);
      });
    },
  }),
];
