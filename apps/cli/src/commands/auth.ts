import { defineCommand, UsageError } from '../cli.js';
import { actor, ADMIN_OPTIONS, JSON_OPTION, printRecord, printRows, withPortal } from './admin.js';

const SESSION_COLUMNS = ['ref', 'username', 'stage', 'amr', 'createdAt', 'lastSeenAt', 'expiresAt', 'ip'];

export const authCommands = [
  defineCommand({
    path: ['auth', 'ls'],
    args: '[SEARCH]',
    summary: 'List portal sessions.',
    options: { ...JSON_OPTION, ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals }) =>
      withPortal(values, async (portal) =>
        printRows(await portal.sessions.list(positionals[0]), SESSION_COLUMNS, !!values.json),
      ),
  }),
  defineCommand({
    path: ['auth', 'show'],
    args: 'ID',
    summary: 'Show one portal session.',
    options: { ...JSON_OPTION, ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals }) =>
      withPortal(values, async (portal) =>
        printRecord(await portal.sessions.show(positionals[0]!), !!values.json),
      ),
  }),
  defineCommand({
    path: ['auth', 'rm'],
    args: 'ID',
    summary: 'End a portal session and the library sessions it opened.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals }) =>
      withPortal(values, async (portal) => {
        await portal.sessions.remove(positionals[0]!, actor());
        console.log(`ended session ${positionals[0]}`);
      }),
  }),
  defineCommand({
    path: ['auth', 'reset'],
    summary: 'End every portal session (and the library sessions they opened); needs --yes.',
    options: { yes: { type: 'boolean' }, ...ADMIN_OPTIONS },
    run: async ({ values }) => {
      if (!values.yes) throw new UsageError('auth reset ends every session; add --yes to confirm');
      await withPortal(values, async (portal) =>
        console.log(`ended ${await portal.sessions.reset(actor())} sessions`),
      );
    },
  }),
];
