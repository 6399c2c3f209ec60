import { createHash, randomBytes } from 'node:crypto';
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

interface LdapClient {
  add(dn: string, entry: Record<string, unknown> | unknown[]): Promise<void>;
}

interface LdapModule {
  Attribute: new (options: { type: string; values: Array<string | Buffer> }) => unknown;
}

// An Active Directory-style tree, as most organizations have one: cn-based DNs with spaces,
// sAMAccountName and userPrincipalName, objectGUID as the stable id, groupOfNames with memberOf.
const SUFFIX = 'DC=corp,DC=example';
const STAFF = `OU=Staff Members,${SUFFIX}`;
const GROUPS = `OU=Groups,${SUFFIX}`;
const GROUP_CN: Record<string, string> = { 'family-members': 'Family Members', photographers: 'Photographers' };

/** The same objectGUID on every run, so the portal keeps linking the same account. */
function stableGuid(username: string): Buffer {
  return createHash('sha256').update(`atrium-demo:${username}`).digest().subarray(0, 16);
}

async function fillDirectory(client: LdapClient, { Attribute }: LdapModule): Promise<void> {
  await client.add(STAFF, { objectClass: ['top', 'organizationalUnit'], ou: 'Staff Members' });
  for (const person of DEMO_PEOPLE) {
    const values: Record<string, string | string[]> = {
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'atriumAdUser'],
      sn: person.name.split(' ').at(-1)!,
      displayName: person.name,
      mail: `${person.username}@corp.example`,
      sAMAccountName: person.username,
      userPrincipalName: `${person.username}@corp.example`,
      userPassword: person.password,
    };
    const attributes = Object.entries(values).map(([type, v]) => new Attribute({ type, values: [v].flat() }));
    attributes.push(new Attribute({ type: 'objectGUID', values: [stableGuid(person.username)] }));
    await client.add(`CN=${person.name},${STAFF}`, attributes);
  }
  for (const [group, cn] of Object.entries(GROUP_CN)) {
    const members = DEMO_PEOPLE.filter((p) => p.groups.includes(group)).map((p) => `CN=${p.name},${STAFF}`);
    await client.add(`CN=${cn},${GROUPS}`, { objectClass: ['top', 'groupOfNames'], member: members });
  }
}

interface TestingModule {
  startOidcProvider(options: Record<string, unknown>): Promise<{ issuer: string; stop(): Promise<void> }>;
  startSlapd(options: { suffix?: string; port?: number; activeDirectorySchema?: boolean }): Promise<{
    url: string;
    bindDn: string;
    bindPassword: string;
    asAdmin<T>(work: (client: LdapClient) => Promise<T>): Promise<T>;
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
      email: `${p.username}@corp.example`,
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
    ldap = await startSlapd({ suffix: SUFFIX.toLowerCase(), port: port + LDAP_OFFSET, activeDirectorySchema: true });
    const ldapts = (await import('ldapts')) as unknown as LdapModule;
    await ldap.asAdmin((client) => fillDirectory(client, ldapts));
  } catch (error) {
    await idp.stop();
    throw new CommandError(`the demo LDAP directory (slapd) did not start: ${(error as Error).message}`);
  }
  const mappings = DEMO_MAPPINGS.filter((m) => libraries.includes(m.node)).flatMap((m) => [
    m,
    // The same group as the directory names it: its DN.
    { ...m, group: `CN=${GROUP_CN[m.group]},${GROUPS}` },
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
      LDAP_USER_BASE: STAFF,
      LDAP_USER_FILTER: '(&(objectClass=atriumAdUser)(sAMAccountName={username}))',
      LDAP_GROUP_BASE: GROUPS,
      LDAP_ID_ATTRIBUTE: 'objectGUID',
      LDAP_USERNAME_FORMS: 'plain,upn,netbios',
      LDAP_DOMAIN: 'corp.example',
      LDAP_NETBIOS_DOMAIN: 'CORP',
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
    `and an Active Directory-style LDAP directory at ${identity.ldapUrl} (the same names and passwords; ada, ada@corp.example and CORP\\ada all work):`,
    ...DEMO_PEOPLE.map((p) => `  ${p.username.padEnd(5)} ${p.password.padEnd(15)} groups: ${p.groups.join(', ') || 'none (opens nothing)'}`),
    ...DEMO_MAPPINGS.map((m) => `  group ${m.group} → ${m.node} as ${m.role}`),
  ];
}
