import { parseDuration } from '@atrium/server';
import { defineCommand, UsageError } from '../cli.js';
import {
  actor,
  ADMIN_OPTIONS,
  list,
  readPassword,
  str,
  withPortal,
  type Values,
} from './admin.js';

const FIELD_OPTIONS = {
  name: { type: 'string', short: 'n' },
  email: { type: 'string', short: 'm' },
  role: { type: 'string', short: 'r' },
  auth: { type: 'string', short: 'A' },
  'auth-id': { type: 'string' },
  'base-path': { type: 'string', short: 'd' },
  'upload-path': { type: 'string', short: 'u' },
  webdav: { type: 'boolean' },
  'cluster-admin': { type: 'boolean' },
  'no-login': { type: 'boolean' },
} as const;

const ACCOUNT_COLUMNS = [
  'username',
  'name',
  'email',
  'accountRole',
  'clusterAdmin',
  'authProvider',
  'disabled',
  'canLogin',
  'totp',
];

/** Account fields named on the command line; absent flags leave a field as it is. */
function fields(values: Values) {
  const out: Record<string, unknown> = {};
  if (str(values, 'name') !== undefined) out.name = str(values, 'name');
  if (str(values, 'email') !== undefined) out.email = str(values, 'email');
  if (str(values, 'role') !== undefined) out.role = str(values, 'role');
  if (str(values, 'auth') !== undefined) out.authProvider = str(values, 'auth');
  if (str(values, 'auth-id') !== undefined) out.authId = str(values, 'auth-id');
  if (str(values, 'base-path') !== undefined) out.basePath = str(values, 'base-path');
  if (str(values, 'upload-path') !== undefined) out.uploadPath = str(values, 'upload-path');
  if (values.webdav) out.webdav = true;
  if (values['cluster-admin']) out.clusterAdmin = true;
  if (values['no-login']) out.canLogin = false;
  return out;
}

function view(
  account: { totpSecret?: string | null; passwordHash?: string | null; recoveryCodes?: string[] } & object,
) {
  const { totpSecret, passwordHash, recoveryCodes, ...rest } = account;
  return {
    ...rest,
    totp: !!totpSecret,
    password: !!passwordHash,
    recoveryCodesLeft: recoveryCodes?.length ?? 0,
  };
}

function flagPair(values: Values, on: string, off: string): boolean | undefined {
  if (values[on] && values[off]) throw new UsageError(`--${on} and --${off} contradict each other`);
  return values[on] ? true : values[off] ? false : undefined;
}

export const userCommands = [
  defineCommand({
    path: ['users', 'add'],
    args: 'USERNAME',
    summary: 'Create a portal account (account role user unless -r; opens no library until granted).',
    options: {
      ...FIELD_OPTIONS,
      'password-stdin': { type: 'boolean' },
      group: { type: 'string', short: 'g', multiple: true },
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) => {
      const password = values['password-stdin'] ? await readPassword() : undefined;
      await withPortal(values, async (portal) => {
        const account = await portal.accounts.create(
          positionals[0]!,
          { ...fields(values), groups: list(values, 'group'), password },
          actor(),
        );
        out.done(`created ${account.username} (${account.id})`, { username: account.username, id: account.id });
      });
    },
  }),
  defineCommand({
    path: ['users', 'invite'],
    args: 'EMAIL',
    summary:
      'Invite an address: a single-use link (7 days unless --expires) to choose a username and password; mailed with SMTP_URL, else printed.',
    options: {
      name: { type: 'string', short: 'n' },
      role: { type: 'string', short: 'r' },
      group: { type: 'string', short: 'g', multiple: true },
      'cluster-admin': { type: 'boolean' },
      expires: { type: 'string' },
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) => {
      const expires = str(values, 'expires');
      const expiresInMs = expires === undefined ? undefined : parseDuration(expires);
      if (expiresInMs === undefined && expires !== undefined)
        throw new UsageError(`--expires takes a duration like 12h or 7d, got ${JSON.stringify(expires)}`);
      await withPortal(values, async (portal) => {
        const invitation = await portal.invitations.invite(
          {
            email: positionals[0]!,
            name: str(values, 'name'),
            role: str(values, 'role'),
            groups: list(values, 'group'),
            clusterAdmin: !!values['cluster-admin'],
            expiresInMs,
          },
          actor(),
        );
        const valid = `invited ${invitation.email} (link valid until ${invitation.expiresAt.toISOString()})`;
        out.done(
          invitation.link
            ? `${valid}\nSMTP_URL is not set, so nothing was mailed: give this link to the person, it works once:\n${invitation.link}`
            : `${valid}\nthe portal mails the link`,
          invitation,
        );
      });
    },
  }),
  defineCommand({
    path: ['users', 'ls'],
    args: '[SEARCH]',
    summary: 'List accounts.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 0, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) =>
        out.rows((await portal.accounts.list(positionals[0])).map(view), ACCOUNT_COLUMNS),
      ),
  }),
  defineCommand({
    path: ['users', 'show'],
    args: 'USERNAME',
    summary: 'Show an account with its groups and grants.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const { account, groups, grants } = await portal.accounts.show(positionals[0]!);
        out.record(
          { ...view(account), groups, grants: grants.map((g) => `${g.node}:${g.role ?? '(account role)'}`) });
      }),
  }),
  defineCommand({
    path: ['users', 'mod'],
    args: 'USERNAME',
    summary: 'Change an account; lowering access signs the user out of the libraries concerned at once.',
    options: {
      ...FIELD_OPTIONS,
      'no-webdav': { type: 'boolean' },
      'no-cluster-admin': { type: 'boolean' },
      login: { type: 'boolean' },
      disable: { type: 'boolean' },
      enable: { type: 'boolean' },
      'add-group': { type: 'string', multiple: true },
      'remove-group': { type: 'string', multiple: true },
      'reset-totp': { type: 'boolean' },
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) => {
      const changes = {
        ...fields(values),
        webdav: flagPair(values, 'webdav', 'no-webdav'),
        clusterAdmin: flagPair(values, 'cluster-admin', 'no-cluster-admin'),
        canLogin: flagPair(values, 'login', 'no-login'),
        disabled: flagPair(values, 'disable', 'enable'),
        addGroups: list(values, 'add-group'),
        removeGroups: list(values, 'remove-group'),
        resetTotp: !!values['reset-totp'],
      };
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      await withPortal(values, async (portal) => {
        const account = await portal.accounts.modify(positionals[0]!, defined, actor());
        out.done(`updated ${account.username}`, { username: account.username, id: account.id });
      });
    },
  }),
  defineCommand({
    path: ['users', 'rm'],
    args: 'USERNAME',
    summary: 'Delete an account; its sessions end on every library.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        await portal.accounts.remove(positionals[0]!, actor());
        out.done(`deleted ${positionals[0]}`, { username: positionals[0], deleted: true });
      }),
  }),
  defineCommand({
    path: ['passwd'],
    args: 'USERNAME',
    summary: 'Set a local password, read from stdin or typed twice on a terminal; --rm removes it.',
    options: { rm: { type: 'boolean' }, ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) => {
      const password = values.rm ? null : await readPassword();
      await withPortal(values, async (portal) => {
        await portal.accounts.setPassword(positionals[0]!, password, actor());
        out.done(password === null ? `removed the password of ${positionals[0]}` : `password of ${positionals[0]} set`, {
          username: positionals[0],
          password: password === null ? 'removed' : 'set',
        });
      });
    },
  }),
];
