import { parseDuration } from '@atrium/server';
import { defineCommand, UsageError } from '../cli.js';
import { actor, ADMIN_OPTIONS, required, str, withPortal } from './admin.js';

const COLUMNS = ['type', 'id', 'username', 'node', 'name', 'stage', 'createdAt', 'lastSeenAt', 'expiresAt', 'ip'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** App passwords are named by their UUID, portal sessions by their short ref. */
const isAppPasswordId = (id: string) => UUID.test(id);

export const authCommands = [
  defineCommand({
    path: ['auth', 'ls'],
    args: '[SEARCH]',
    summary: 'List portal sessions and app passwords.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const sessions = (await portal.sessions.list(positionals[0])).map((s) => ({
          type: 'session',
          ...s,
          id: s.ref,
        }));
        const appPasswords = (await portal.appPasswords.list(positionals[0])).map((p) => ({
          type: 'app_password',
          ...p,
          lastSeenAt: p.lastUsedAt,
        }));
        out.rows([...sessions, ...appPasswords], COLUMNS);
      }),
  }),
  defineCommand({
    path: ['auth', 'show'],
    args: 'ID',
    summary: 'Show one portal session (its ref) or app password (its id).',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const id = positionals[0]!;
        out.record(
          isAppPasswordId(id)
            ? { type: 'app_password', ...(await portal.appPasswords.show(id)) }
            : { type: 'session', ...(await portal.sessions.show(id)) },
        );
      }),
  }),
  defineCommand({
    path: ['auth', 'rm'],
    args: 'ID',
    summary: 'End a portal session (and the library sessions it opened), or revoke an app password.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const id = positionals[0]!;
        if (isAppPasswordId(id)) {
          await portal.appPasswords.revoke(id, actor());
          out.done(`revoked app password ${id}`, { id, revoked: true });
        } else {
          await portal.sessions.remove(id, actor());
          out.done(`ended session ${id}`, { ref: id, ended: true });
        }
      }),
  }),
  defineCommand({
    path: ['auth', 'add'],
    summary: 'Create an app password for one library (90 days unless --expires); it is printed once.',
    options: {
      user: { type: 'string' },
      node: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      ...ADMIN_OPTIONS,
    },
    run: async ({ values, out }) => {
      const user = required(values, 'user');
      const node = required(values, 'node');
      const name = required(values, 'name');
      const expires = str(values, 'expires');
      const expiresInMs = expires === undefined ? undefined : parseDuration(expires);
      if (expires !== undefined && expiresInMs === undefined)
        throw new UsageError(`--expires takes a duration like 12h or 90d, got ${JSON.stringify(expires)}`);
      await withPortal(values, async (portal) => {
        const account = await portal.accounts.require(user);
        const created = await portal.appPasswords.create(account, { node, name, expiresInMs }, actor());
        out.done(
          [
            `app password ${created.id} for ${account.username} on ${created.node}, "${created.name}", until ${created.expiresAt.toISOString()}`,
            'It is shown only now; store it in the client that uses it:',
            created.password,
          ].join('\n'),
          { ...created, username: account.username },
        );
      });
    },
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
