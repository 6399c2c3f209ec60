import { defineCommand } from '../cli.js';
import { ADMIN_OPTIONS, JSON_OPTION, printRows, withPortal } from './admin.js';

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
    summary: 'Sign-in attempts at the portal, newest first.',
    options: { ...JSON_OPTION, ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals }) =>
      withPortal(values, async (portal) =>
        printRows(
          await portal.audit.loginEntries(positionals[0]),
          ['at', 'username', 'ip', 'method', 'outcome'],
          !!values.json,
        ),
      ),
  }),
];
