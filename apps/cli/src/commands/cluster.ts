import { defineCommand, UsageError } from '../cli.js';
import {
  actor,
  ADMIN_OPTIONS,
  list,
  required,
  str,
  withPortal,
  type Values,
} from './admin.js';

const NODE_COLUMNS = ['name', 'role', 'url', 'clientId', 'alg', 'joined', 'createdAt'];
const GRANT_COLUMNS = ['username', 'node', 'role', 'basePath', 'uploadPath', 'createdAt'];

async function durationMs(values: Values, name: string): Promise<number | undefined> {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const { parseDuration } = await import('@atrium/server');
  const ms = parseDuration(raw);
  if (!ms) throw new UsageError(`--${name} must be a duration like 30m, 24h or 7d`);
  return ms;
}

function nodeView(node: { secretDigest?: string | null; previousSecretDigest?: string | null } & object) {
  const { secretDigest, previousSecretDigest, ...rest } = node;
  return { ...rest, joined: !!secretDigest, previousSecretActive: !!previousSecretDigest };
}

const nodeCommands = [
  defineCommand({
    path: ['cluster', 'nodes', 'ls'],
    summary: 'List registered nodes.',
    options: { ...ADMIN_OPTIONS },
    run: async ({ values, out }) =>
      withPortal(values, async (portal) =>
        out.rows((await portal.nodes.list()).map(nodeView), NODE_COLUMNS),
      ),
  }),
  defineCommand({
    path: ['cluster', 'nodes', 'show'],
    args: 'NODE',
    summary: 'Show a node with its URIs and group mappings.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const { node, pendingJoinTokens } = await portal.nodes.show(positionals[0]!);
        const mappings = (await portal.grants.mappings(node.name)).map((m) => `${m.groupName}:${m.role}`);
        out.record({ ...nodeView(node), pendingJoinTokens, groups: mappings });
      }),
  }),
  defineCommand({
    path: ['cluster', 'nodes', 'add'],
    args: 'NAME',
    summary:
      'Register a node and print its one-time join token (an instance: --url; another relying party: --redirect-uri and --alg).',
    options: {
      url: { type: 'string' },
      role: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      alg: { type: 'string' },
      expires: { type: 'string' },
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) => {
      const url = required(values, 'url');
      const ttl = await durationMs(values, 'expires');
      await withPortal(values, async (portal) => {
        const { node, joinToken, expiresAt } = await portal.nodes.add(
          {
            name: positionals[0]!,
            url,
            role: str(values, 'role'),
            redirectUris: list(values, 'redirect-uri'),
            postLogoutRedirectUris: list(values, 'post-logout-redirect-uri'),
            backchannelLogoutUri: str(values, 'backchannel-logout-uri'),
            alg: str(values, 'alg'),
            joinTokenTtlMs: ttl,
          },
          actor(),
        );
        out.record({ name: node.name, clientId: node.clientId, joinToken, expiresAt });
      });
    },
  }),
  defineCommand({
    path: ['cluster', 'nodes', 'rotate'],
    args: 'NODE',
    summary: 'Print new credentials for a node; the old secret keeps working for --grace (24h).',
    options: { grace: { type: 'string' }, ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) => {
      const grace = await durationMs(values, 'grace');
      await withPortal(values, async (portal) =>
        out.record(await portal.nodes.rotate(positionals[0]!, actor(), grace)),
      );
    },
  }),
  defineCommand({
    path: ['cluster', 'nodes', 'rm'],
    args: 'NODE',
    summary: 'Remove a node, its grants and group mappings; every token issued to it stops working.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        await portal.nodes.remove(positionals[0]!, actor());
        out.done(`removed ${positionals[0]}`, { node: positionals[0], removed: true });
      }),
  }),
  defineCommand({
    path: ['cluster', 'nodes', 'allow-group'],
    args: 'NODE GROUP',
    summary: 'Admit a group on a node with a role (LDAP groups as DNs); paths may use {username}.',
    options: {
      role: { type: 'string' },
      'base-path': { type: 'string' },
      'upload-path': { type: 'string' },
      ...ADMIN_OPTIONS,
    },
    positionals: { min: 2, max: 2 },
    run: async ({ values, positionals, out }) => {
      const role = required(values, 'role');
      await withPortal(values, async (portal) => {
        const [node, group] = positionals as [string, string];
        await portal.grants.allowGroup(
          { node, group, role, basePath: str(values, 'base-path'), uploadPath: str(values, 'upload-path') },
          actor(),
        );
        out.done(`${node} admits ${group} as ${role}`, { node, group, role });
      });
    },
  }),
  defineCommand({
    path: ['cluster', 'nodes', 'deny-group'],
    args: 'NODE GROUP',
    summary: 'Stop admitting a group; its members lose access now unless a grant or another group keeps it.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 2, max: 2 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const [node, group] = positionals as [string, string];
        await portal.grants.denyGroup({ node, group }, actor());
        out.done(`${node} no longer admits ${group}`, { node, group, admitted: false });
      }),
  }),
];

const accessCommands = [
  defineCommand({
    path: ['cluster', 'users', 'access', 'grant'],
    summary: 'Grant a user access to a node (no --role: the account role applies); paths may use {username}.',
    options: {
      user: { type: 'string' },
      node: { type: 'string' },
      role: { type: 'string' },
      'base-path': { type: 'string' },
      'upload-path': { type: 'string' },
      ...ADMIN_OPTIONS,
    },
    run: async ({ values, out }) => {
      const input = { username: required(values, 'user'), node: required(values, 'node') };
      await withPortal(values, async (portal) => {
        await portal.grants.grant(
          {
            ...input,
            role: str(values, 'role'),
            basePath: str(values, 'base-path'),
            uploadPath: str(values, 'upload-path'),
          },
          actor(),
        );
        const role = str(values, 'role');
        out.done(`granted ${input.username} access to ${input.node}${role ? ` as ${role}` : ''}`, { ...input, role: role ?? null });
      });
    },
  }),
  defineCommand({
    path: ['cluster', 'users', 'access', 'revoke'],
    summary: "Revoke a user's grant on a node; the user is signed out of it at once.",
    options: { user: { type: 'string' }, node: { type: 'string' }, ...ADMIN_OPTIONS },
    run: async ({ values, out }) => {
      const input = { username: required(values, 'user'), node: required(values, 'node') };
      await withPortal(values, async (portal) => {
        await portal.grants.revoke(input, actor());
        out.done(`revoked ${input.username} on ${input.node}`, { ...input, revoked: true });
      });
    },
  }),
  defineCommand({
    path: ['cluster', 'users', 'access', 'ls'],
    summary: 'List grants, optionally of one user or on one node.',
    options: { user: { type: 'string' }, node: { type: 'string' }, ...ADMIN_OPTIONS },
    run: async ({ values, out }) =>
      withPortal(values, async (portal) =>
        out.rows(
          await portal.grants.list({ username: str(values, 'user'), node: str(values, 'node') }),
          GRANT_COLUMNS),
      ),
  }),
  defineCommand({
    path: ['cluster', 'access', 'explain'],
    summary: 'Explain which grant or group decides a user’s access to a node, and with which role.',
    options: { user: { type: 'string' }, node: { type: 'string' }, ...ADMIN_OPTIONS },
    run: async ({ values, out }) => {
      const input = { username: required(values, 'user'), node: required(values, 'node') };
      await withPortal(values, async (portal) => {
        const explanation = await portal.admission.explain(input.username, input.node);
        out.done(
          [`${explanation.username} on ${explanation.node}:`, ...explanation.lines.map((l) => `  ${l}`)].join('\n'),
          explanation,
        );
      });
    },
  }),
];

const keyCommands = [
  defineCommand({
    path: ['cluster', 'keys', 'ls'],
    summary: "List the issuer's signing keys and their state (next, active, retiring, removed, revoked).",
    options: { ...ADMIN_OPTIONS },
    run: async ({ values, out }) =>
      withPortal(values, async (portal) =>
        out.rows(
          await portal.keys.list(),
          ['kid', 'alg', 'status', 'activatesAt', 'retiresAt', 'removesAt', 'revokedAt']),
      ),
  }),
  defineCommand({
    path: ['cluster', 'keys', 'rotate'],
    summary:
      'Publish new signing keys now; they sign after 5 min, the old ones stay until their tokens expired.',
    options: { alg: { type: 'string' }, ...ADMIN_OPTIONS },
    run: async ({ values, out }) => {
      const alg = str(values, 'alg');
      if (alg !== undefined && alg !== 'EdDSA' && alg !== 'RS256')
        throw new UsageError('--alg must be EdDSA or RS256');
      await withPortal(values, async (portal) =>
        out.rows(
          await portal.keys.rotate(actor(), alg ? [alg] : undefined),
          ['kid', 'alg', 'status', 'activatesAt']),
      );
    },
  }),
  defineCommand({
    path: ['cluster', 'keys', 'revoke'],
    args: 'KID',
    summary: 'Emergency: remove a key from the JWKS at once; tokens it signed stop verifying.',
    options: { ...ADMIN_OPTIONS },
    positionals: { min: 1, max: 1 },
    run: async ({ values, positionals, out }) =>
      withPortal(values, async (portal) => {
        const { replacement } = await portal.keys.revoke(positionals[0]!, actor());
        out.done(`revoked ${positionals[0]}; ${replacement} signs from now on`, { kid: positionals[0], replacement });
      }),
  }),
];

export const clusterCommands = [...nodeCommands, ...accessCommands, ...keyCommands];
