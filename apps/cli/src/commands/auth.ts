import { defineCommand, UsageError } from '../cli.js';
import { actor, ADMIN_OPTIONS, withPortal } from './admin.js';

const SESSION_COLUMNS = ['ref', 'username', 'stage', 'amr', 'createdAt', 'lastSeenAt', 'expiresAt', 'ip'];

export const authCommands = [
  defineCommand({
    path: ['auth', 'ls'],
    args: '[SEARCH]',
    summary: 'List portal sessions.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) =>
        out.rows(await portal.sessions.list(positionals[0]), SESSION_COLUMNS),
      ),
  }),
  defineCommand({
    path: ['auth', 'show'],
    args: 'ID',
    summary: 'Show one portal session.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) =>
        out.record(await portal.sessions.show(positionals[0]!)),
      ),
  }),
  defineCommand({
    path: ['auth', 'rm'],
    args: 'ID',
    summary: 'End a portal session and the library sessions it opened.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        await portal.sessions.remove(positionals[0]!, actor());
        out.done(`ended session ${positionals[0]}`, { ref: positionals[0], ended: true });
      }),
  }),
  defineCommand({
    path: ['auth', 'reset'],
    summary: 'End every portal session (and the library sessions they opened); needs --yes.',
    options: { yes: { type: 'boolean' }, ...ADMIN_OPTIONS },
    run: async ({ values, out }) => {
      if (!values.yes) throw new UsageError('auth reset ends every session; add --yes to confirm');
      await withPortal(values, async (portal) => {
        const ended = await portal.sessions.reset(actor());
        out.done(`ended ${ended} sessions`, { ended });
      });
    },
  }),
];
