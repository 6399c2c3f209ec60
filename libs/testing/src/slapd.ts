import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Attribute, Change, Client, DN } from 'ldapts';
import { HarnessError } from './errors.js';
import { freePort, startOnPort } from './ports.js';
import {
  makeTempDir,
  requireExecutable,
  spawnService,
  waitUntilReady,
  type ServiceProcess,
} from './processes.js';

/** Options for {@link startSlapd}. */
export interface SlapdOptions {
  /** Directory suffix, `dc=` components only; `dc=atrium,dc=test` by default. */
  suffix?: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** A certificate and key (PEM): the server then offers StartTLS. */
  tls?: { cert: string; key: string };
  /** Adds `sAMAccountName`, `userPrincipalName`, `objectGUID` and the auxiliary class `atriumAdUser`, for AD-like entries. */
  activeDirectorySchema?: boolean;
}

/** A user entry to add (`inetOrgPerson` under `ou=people`). */
export interface LdapUserSpec {
  uid: string;
  password: string;
  /** Common name; the uid when omitted. */
  cn?: string;
  mail?: string;
}

/** A group entry to add (`groupOfNames` under `ou=groups`). */
export interface LdapGroupSpec {
  cn: string;
  /** uids of users added before; at least one (`groupOfNames` requires a member). */
  members: string[];
}

/** A running OpenLDAP `slapd` child with the memberof and refint overlays. */
export interface TestSlapd {
  /** `ldap://127.0.0.1:<port>` */
  url: string;
  /** `ldaps://127.0.0.1:<port>` when started with `tls`. */
  ldapsUrl?: string;
  baseDn: string;
  /** The rootdn, usable as the service account. */
  bindDn: string;
  bindPassword: string;
  /** `ou=people,<baseDn>` */
  usersDn: string;
  /** `ou=groups,<baseDn>` */
  groupsDn: string;
  /** Adds a user over LDAP; resolves to its DN. */
  addUser(user: LdapUserSpec): Promise<string>;
  /** Adds a group over LDAP, so that `memberOf` of its members is maintained; resolves to its DN. */
  addGroup(group: LdapGroupSpec): Promise<string>;
  /** Adds users to an existing group. */
  addMembers(cn: string, uids: string[]): Promise<void>;
  /** Removes users from an existing group. */
  removeMembers(cn: string, uids: string[]): Promise<void>;
  /** Deletes a user; refint removes it from its groups. */
  deleteUser(uid: string): Promise<void>;
  /** Runs `work` with a client bound as the rootdn (to add entries of any layout). */
  asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

const SCHEMA_DIRS = ['/etc/ldap/schema', '/etc/openldap/schema'];
const MODULE_DIRS = [
  '/usr/lib/ldap',
  '/usr/lib/x86_64-linux-gnu/ldap',
  '/usr/lib64/openldap',
  '/usr/lib/openldap',
];
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];
const SUFFIX = /^dc=[a-z0-9-]+(,dc=[a-z0-9-]+)*$/i;

function firstExisting(dirs: string[], file: string, what: string): string {
  const found = dirs.find((dir) => existsSync(join(dir, file)));
  if (found === undefined) {
    throw new HarnessError(
      'ERR_EXECUTABLE_MISSING',
      `${what} not found in ${dirs.join(', ')}: install slapd`,
    );
  }
  return found;
}

// Private OIDs: just enough of Active Directory's schema for its sign-in attributes.
const AD_SCHEMA = `attributetype ( 1.3.6.1.4.1.55555.1.1 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.55555.1.2 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.55555.1.3 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.55555.2.1 NAME 'atriumAdUser' AUXILIARY
  MAY ( sAMAccountName $ userPrincipalName $ objectGUID ) )
`;

interface ConfOptions {
  tls?: { certFile: string; keyFile: string };
  adSchema?: string;
}

function slapdConf(
  dir: string,
  suffix: string,
  rootDn: string,
  rootPassword: string,
  extra: ConfOptions = {},
): string {
  const schemaDir = firstExisting(SCHEMA_DIRS, 'core.schema', 'OpenLDAP schema');
  const moduleDir = firstExisting(MODULE_DIRS, 'back_mdb.la', 'OpenLDAP modules');
  return [
    ...SCHEMAS.map((name) => `include ${join(schemaDir, `${name}.schema`)}`),
    ...(extra.adSchema ? [`include ${extra.adSchema}`] : []),
    ...(extra.tls
      ? [`TLSCertificateFile ${extra.tls.certFile}`, `TLSCertificateKeyFile ${extra.tls.keyFile}`]
      : []),
    `modulepath ${moduleDir}`,
    'moduleload back_mdb',
    'moduleload memberof',
    'moduleload refint',
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'database mdb',
    'maxsize 104857600',
    `suffix "${suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, 'data')}`,
    'index objectClass eq',
    'index uid,cn,mail eq',
    // Passwords can be used to bind but not read back; everything else is readable.
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by * read',
    'overlay memberof',
    'memberof-group-oc groupOfNames',
    'memberof-member-ad member',
    'memberof-memberof-ad memberOf',
    'memberof-refint TRUE',
    'overlay refint',
    'refint_attributes member',
    '',
  ].join('\n');
}

async function asRoot<T>(
  url: string,
  rootDn: string,
  rootPassword: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ url, timeout: 5_000, connectTimeout: 5_000 });
  try {
    await client.bind(rootDn, rootPassword);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function seedBase(
  bind: <T>(work: (client: Client) => Promise<T>) => Promise<T>,
  suffix: string,
): Promise<void> {
  const top = suffix.split(',')[0].slice('dc='.length);
  await bind(async (client) => {
    await client.add(suffix, { objectClass: ['top', 'dcObject', 'organization'], dc: top, o: top });
    await client.add(`ou=people,${suffix}`, { objectClass: ['top', 'organizationalUnit'], ou: 'people' });
    await client.add(`ou=groups,${suffix}`, { objectClass: ['top', 'organizationalUnit'], ou: 'groups' });
  });
}

async function launch(
  binary: string,
  conf: string,
  port: number,
  check: () => Promise<boolean>,
  ldapsPort?: number,
): Promise<ServiceProcess> {
  const urls = [`ldap://127.0.0.1:${port}/`, ...(ldapsPort ? [`ldaps://127.0.0.1:${ldapsPort}/`] : [])];
  const service = spawnService(binary, ['-f', conf, '-h', urls.join(' '), '-d', '0']);
  await waitUntilReady(`slapd on port ${port}`, service, check);
  return service;
}

/**
 * Starts OpenLDAP's `slapd` with a throwaway `slapd.conf` (mdb backend, memberof + refint
 * overlays) and creates the suffix, `ou=people` and `ou=groups`.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<TestSlapd> {
  const baseDn = options.suffix ?? 'dc=atrium,dc=test';
  if (!SUFFIX.test(baseDn)) {
    throw new HarnessError('ERR_LDAP_SUFFIX', `suffix must be dc= components: ${JSON.stringify(baseDn)}`);
  }
  const binary = requireExecutable('slapd', 'slapd');
  const temp = makeTempDir('slapd');
  mkdirSync(join(temp.path, 'data'));
  const bindDn = `cn=admin,${baseDn}`;
  const bindPassword = randomBytes(12).toString('hex');
  const conf = join(temp.path, 'slapd.conf');
  const extra: ConfOptions = {};
  if (options.tls) {
    extra.tls = { certFile: join(temp.path, 'server.pem'), keyFile: join(temp.path, 'server.key') };
    writeFileSync(extra.tls.certFile, options.tls.cert);
    writeFileSync(extra.tls.keyFile, options.tls.key, { mode: 0o600 });
  }
  if (options.activeDirectorySchema) {
    extra.adSchema = join(temp.path, 'ad.schema');
    writeFileSync(extra.adSchema, AD_SCHEMA);
  }
  writeFileSync(conf, slapdConf(temp.path, baseDn, bindDn, bindPassword, extra));

  let url = '';
  let ldapsUrl: string | undefined;
  const bind = <T>(work: (client: Client) => Promise<T>) => asRoot(url, bindDn, bindPassword, work);
  const service = await startOnPort(options.port, async (port) => {
    url = `ldap://127.0.0.1:${port}`;
    const ldapsPort = options.tls ? await freePort() : undefined;
    ldapsUrl = ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}` : undefined;
    return launch(binary, conf, port, () => bind(async () => true), ldapsPort);
  });
  temp.recordService({ pid: service.pid, comm: 'slapd', signal: 'SIGKILL' });
  await seedBase(bind, baseDn);

  const usersDn = `ou=people,${baseDn}`;
  const groupsDn = `ou=groups,${baseDn}`;
  const userDn = (uid: string) => `${new DN({ uid }).toString()},${usersDn}`;
  const groupDn = (cn: string) => `${new DN({ cn }).toString()},${groupsDn}`;
  const changeMembers = (operation: 'add' | 'delete', cn: string, uids: string[]) =>
    bind((client) =>
      client.modify(
        groupDn(cn),
        new Change({ operation, modification: new Attribute({ type: 'member', values: uids.map(userDn) }) }),
      ),
    );

  return {
    url,
    ...(ldapsUrl ? { ldapsUrl } : {}),
    baseDn,
    bindDn,
    bindPassword,
    usersDn,
    groupsDn,
    async addUser({ uid, password, cn, mail }) {
      const dn = userDn(uid);
      const entry = {
        objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
        uid,
        cn: cn ?? uid,
        sn: cn ?? uid,
        userPassword: password,
        ...(mail === undefined ? {} : { mail }),
      };
      await bind((client) => client.add(dn, entry));
      return dn;
    },
    async addGroup({ cn, members }) {
      if (members.length === 0) {
        throw new HarnessError('ERR_LDAP_GROUP_EMPTY', `groupOfNames ${cn} needs at least one member`);
      }
      const dn = groupDn(cn);
      await bind((client) =>
        client.add(dn, { objectClass: ['top', 'groupOfNames'], cn, member: members.map(userDn) }),
      );
      return dn;
    },
    addMembers: (cn, uids) => changeMembers('add', cn, uids),
    removeMembers: (cn, uids) => changeMembers('delete', cn, uids),
    deleteUser: (uid) => bind((client) => client.del(userDn(uid))),
    asAdmin: (work) => bind(work),
    async stop() {
      await service.stop('SIGTERM');
      await temp.remove();
    },
  };
}
