import { randomBytes } from 'node:crypto';
import { CommandError } from '../cli.js';
import type { ClusterSettings } from './settings.js';

/**
 * `atrium start --with-idp`: an organization's sign-in on one machine, to try SSO and LDAP without
 * one of your own. An OIDC provider (panva's oidc-provider, the same one the tests use) and an
 * OpenLDAP `slapd` run beside the cluster with demo people and groups, wired to the portal through
 * the same variables an operator sets (`OIDC_PROVIDERS`, `LDAP_*`), and group mappings that admit
 * those groups to the demo libraries. Nothing of it is kept: both start afresh on every run.
 */

/** A person at the demo organization: the same name and password at the IdP and in LDAP. */
export interface DemoPerson {
  username: string;
  name: string;
  password: string;
  groups: string[];
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { username: 'ada', name: 'Ada Lovelace', password: 'demo-ada-2026', groups: ['family-members'] },
  { username: 'ben', name: 'Ben Okri', password: 'demo-ben-2026', groups: ['photographers'] },
  { username: 'cleo', name: 'Cleo Park', password: 'demo-cleo-2026', groups: ['family-members', 'photographers'] },
  { username: 'dan', name: 'Dan Ruiz', password: 'demo-dan-2026', groups: [] },
];

/** Group → library and role, as an admin would map them (`atrium cluster nodes allow-group`). */
export const DEMO_MAPPINGS: Array<{ group: string; node: string; role: string; uploadPath?: string }> = [
  { group: 'family-members', node: 'family', role: 'user' },
  { group: 'photographers', node: 'studio', role: 'contributor', uploadPath: 'uploads/{username}' },
];

const PROVIDER_ID = 'demo';
const IDP_OFFSET = 30;
const LDAP_OFFSET = 31;

export interface DemoIdentity {
  /** Environment for the portal: the organization's IdP and directory. */
  portalEnv: Record<string, string>;
  /** Group mappings to make once the portal's database is ready (DN form for LDAP groups). */
  mappings: Array<{ group: string; node: string; role: string; uploadPath?: string }>;
  issuer: string;
  ldapUrl: string;
  stop(): Promise<void>;
}

interface TestingModule {
  startOidcProvider(options: Record<string, unknown>): Promise<{ issuer: string; stop(): Promise<void> }>;
  startSlapd(options: { suffix?: string; port?: number }): Promise<{
    url: string;
    bindDn: string;
    bindPassword: string;
    usersDn: string;
    groupsDn: string;
    addUser(user: { uid: string; password: string; cn?: string; mail?: string }): Promise<string>;
    addGroup(group: { cn: string; members: string[] }): Promise<string>;
    stop(): Promise<void>;
  }>;
}

async function loadHarness(): Promise<TestingModule> {
  try {
    return (await import('@atrium/testing')) as unknown as TestingModule;
  } catch {
    throw new CommandError('--with-idp runs the demo IdP from the development checkout (libs/testing): run npm install in the repository first');
  }
}

/** Starts the demo IdP and directory on ports beside the portal's (portal + 30 and + 31). */
export async function startDemoIdentity(settings: ClusterSettings, portalUrl: string, libraries: readonly string[]): Promise<DemoIdentity> {
  const { startOidcProvider, startSlapd } = await loadHarness();
  const port = settings.portal.port;
  const clientSecret = randomBytes(32).toString('base64url');
  const idp = await startOidcProvider({
    port: port + IDP_OFFSET,
    groupsClaim: 'groups',
    users: DEMO_PEOPLE.map((p) => ({
      // Stable across runs, so the portal links the same account each time (issuer + sub).
      sub: `demo-${p.username}`,
      username: p.username,
      password: p.password,
      name: p.name,
      email: `${p.username}@demo.example`,
      groups: p.groups,
    })),
    clients: [
      {
        client_id: 'atrium-portal',
        client_secret: clientSecret,
        redirect_uris: [`${portalUrl}/auth/oidc/${PROVIDER_ID}/callback`],
        post_logout_redirect_uris: [`${portalUrl}/signin`],
      },
    ],
  });
  let ldap: Awaited<ReturnType<TestingModule['startSlapd']>>;
  try {
    ldap = await startSlapd({ suffix: 'dc=demo,dc=example', port: port + LDAP_OFFSET });
    for (const person of DEMO_PEOPLE) await ldap.addUser({ uid: person.username, password: person.password, cn: person.name, mail: `${person.username}@demo.example` });
    const groups = [...new Set(DEMO_PEOPLE.flatMap((p) => p.groups))];
    for (const cn of groups) await ldap.addGroup({ cn, members: DEMO_PEOPLE.filter((p) => p.groups.includes(cn)).map((p) => p.username) });
  } catch (error) {
    await idp.stop();
    throw new CommandError(`the demo LDAP directory (slapd) did not start: ${(error as Error).message}`);
  }
  const mappings = DEMO_MAPPINGS.filter((m) => libraries.includes(m.node)).flatMap((m) => [
    m,
    // The same group as LDAP names it: its DN.
    { ...m, group: `cn=${m.group},${ldap.groupsDn}` },
  ]);
  return {
    issuer: idp.issuer,
    ldapUrl: ldap.url,
    mappings,
    portalEnv: {
      OIDC_PROVIDERS: JSON.stringify([
        {
          id: PROVIDER_ID,
          name: 'Demo IdP',
          issuer: idp.issuer,
          clientId: 'atrium-portal',
          clientSecret,
          groupsClaim: 'groups',
          createAccounts: true,
        },
      ]),
      LDAP_URL: ldap.url,
      LDAP_BIND_DN: ldap.bindDn,
      LDAP_BIND_PASSWORD: ldap.bindPassword,
      LDAP_USER_BASE: ldap.usersDn,
      LDAP_USER_FILTER: '(uid={username})',
      LDAP_GROUP_BASE: ldap.groupsDn,
    },
    async stop() {
      await Promise.allSettled([idp.stop(), ldap.stop()]);
    },
  };
}

/** What `atrium start` prints about the demo organization. */
export function describeDemoIdentity(identity: DemoIdentity): string[] {
  return [
    '',
    `Demo organization (--with-idp): an OIDC provider at ${identity.issuer} ("Continue with Demo IdP")`,
    `and an LDAP directory at ${identity.ldapUrl} (sign in with the same name and password):`,
    ...DEMO_PEOPLE.map((p) => `  ${p.username.padEnd(5)} ${p.password.padEnd(15)} groups: ${p.groups.join(', ') || 'none (opens nothing)'}`),
    ...DEMO_MAPPINGS.map((m) => `  group ${m.group} → ${m.node} as ${m.role}`),
  ];
}
