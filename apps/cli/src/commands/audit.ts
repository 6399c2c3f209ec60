import { defineCommand, UsageError } from '../cli.js';
import { ADMIN_OPTIONS, JSON_OPTION, printRows, str, withPortal } from './admin.js';

export const auditCommands = [
  defineCommand({
    path: ['audit', 'admin'],
    args: '[SEARCH]',
    summary: 'Admin actions, newest first: who granted, changed or removed what, and when.',
    options: { ...JSON_OPTION, ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals }) =>
      withPortal(values, async (portal) =>
        printRows(
          await portal.audit.adminEntries(positionals[0]),
          ['at', 'actor', 'action', 'target', 'details'],
          !!values.json,
        ),
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
      ...JSON_OPTION,
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals }) => {
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
        printRows(
          page.entries,
          ['id', 'at', 'method', 'provider', 'result', 'reason', 'username', 'ip', 'userAgent'],
          !!values.json,
        );
        if (page.nextCursor && !values.json) console.error(`older entries: --before ${page.nextCursor}`);
      });
    },
  }),
];
