import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CookieJar,
  createTestCertificates,
  freePort,
  startSlapd,
  type TestCertificates,
  type TestSlapd,
} from '@atrium/testing';
import { LoginAuditService } from '../../services/login-audit.service.js';
import { PortalHarness } from '../../test/harness.js';
import type { LdapConfig } from './ldap-config.js';
import { LdapDirectory, LdapRefusal } from './ldap-directory.js';

let certs: TestCertificates;
let openldap: TestSlapd;
let ad: TestSlapd;
let people: PortalHarness;
let corp: PortalHarness;
let caFile: string;
const GUID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

beforeAll(async () => {
  certs = await createTestCertificates();
  caFile = join(tmpdir(), `atrium-test-ca-${randomBytes(4).toString('hex')}.pem`);
  writeFileSync(caFile, certs.ca);
  [openldap, ad] = await Promise.all([
    startSlapd({ tls: { cert: certs.cert, key: certs.key } }),
    startSlapd({ suffix: 'DC=corp,DC=example', activeDirectorySchema: true }),
  ]);
  // OpenLDAP layout: uid, ou=people, groupOfNames under ou=groups.
  await openldap.addUser({ uid: 'ann', password: 'ann-pass', cn: 'Ann Example', mail: 'ann@atrium.test' });
  await openldap.addUser({ uid: 'dan', password: 'dan-pass' });
  await openldap.addUser({ uid: 'eve', password: 'eve-pass' });
  await openldap.addGroup({ cn: 'photographers', members: ['ann', 'dan'] });
  // Active Directory layout: cn-based DNs with spaces and commas, sAMAccountName, UPN, objectGUID, nested groups.
  await ad.asAdmin(async (client) => {
    // ou=groups exists already (the harness makes ou=people and ou=groups).
    await client.add('OU=Staff Members,DC=corp,DC=example', {
      objectClass: ['top', 'organizationalUnit'],
      ou: 'Staff Members',
    });
    const user = (cn: string, sam: string, guid: Buffer) => {
      const values: Record<string, string | string[]> = {
        objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'atriumAdUser'],
        sn: 'x',
        displayName: cn.replace('\\,', ','),
        sAMAccountName: sam,
        userPrincipalName: `${sam}@corp.example`,
        userPassword: `${sam}-pass`,
      };
      const attributes = Object.entries(values).map(
        ([type, v]) => new Attribute({ type, values: [v].flat() }),
      );
      attributes.push(new Attribute({ type: 'objectGUID', values: [guid] }));
      return client.add(`CN=${cn},OU=Staff Members,DC=corp,DC=example`, attributes);
    };
    await user('Smith\\, Ann', 'asmith', GUID);
    await user('Twin One', 'twin', randomBytes(16));
    await user('Twin Two', 'twin', randomBytes(16));
    await client.add('CN=Photo Team,OU=Groups,DC=corp,DC=example', {
      objectClass: ['top', 'groupOfNames'],
      member: 'CN=Smith\\, Ann,OU=Staff Members,DC=corp,DC=example',
    });
    await client.add('CN=Staff\\, all,OU=Groups,DC=corp,DC=example', {
      objectClass: ['top', 'groupOfNames'],
      member: 'CN=Photo Team,OU=Groups,DC=corp,DC=example',
    });
  });
  // One after the other: Nest registers each app's data source in one process-wide registry.
  people = await PortalHarness.start({
    env: {
      LDAP_URL: openldap.url,
      LDAP_STARTTLS: 'true',
      LDAP_CA_FILE: caFile,
      LDAP_BIND_DN: openldap.bindDn,
      LDAP_BIND_PASSWORD: openldap.bindPassword,
      LDAP_USER_BASE: openldap.usersDn,
      LDAP_GROUP_BASE: openldap.groupsDn,
    },
  });
  corp = await PortalHarness.start({
    env: {
      LDAP_URL: ad.url,
      LDAP_BIND_DN: ad.bindDn,
      LDAP_BIND_PASSWORD: ad.bindPassword,
      LDAP_USER_BASE: 'OU=Staff Members,DC=corp,DC=example',
      LDAP_USER_FILTER: '(&(objectClass=atriumAdUser)(sAMAccountName={username}))',
      LDAP_ID_ATTRIBUTE: 'objectGUID',
      LDAP_NESTED_GROUPS: 'true',
      LDAP_USERNAME_FORMS: 'plain,upn,netbios',
      LDAP_DOMAIN: 'corp.example',
      LDAP_NETBIOS_DOMAIN: 'CORP',
    },
  });
  await people.addNode('studio');
  await people.addNode('family');
  await people.grants.allowGroup(
    { node: 'studio', group: 'CN=Photographers, OU=groups,DC=atrium,DC=test', role: 'contributor' },
    'cli:test',
  );
  await people.addUser('dan');
  await corp.addNode('studio');
  await corp.grants.allowGroup(
    { node: 'studio', group: 'cn=Staff\\2C all,ou=Groups,dc=corp,dc=example', role: 'viewer' },
    'cli:test',
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([people?.stop(), corp?.stop()]);
  await Promise.all([openldap?.stop(), ad?.stop()]);
});

async function password(portal: PortalHarness, username: string, secret: string) {
  const jar = new CookieJar();
  const res = await jar.fetch(`${portal.url}/api/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: portal.url },
    body: JSON.stringify({ username, password: secret }),
  });
  return {
    jar,
    status: res.status,
    body: (await res.json()) as { next?: string; error?: { code: string; message: string } },
  };
}

async function chooser(portal: PortalHarness, jar: CookieJar) {
  const body = (await (await jar.fetch(`${portal.url}/api/instances`)).json()) as {
    instances: { name: string; role: string }[];
  };
  return body.instances.map((i) => `${i.name}:${i.role}`);
}

const lastAudit = async (portal: PortalHarness) =>
  (await portal.app.get(LoginAuditService).list({ limit: 1 })).entries[0];

function config(overrides: Partial<LdapConfig> = {}): LdapConfig {
  return {
    url: openldap.url,
    bindDn: openldap.bindDn,
    bindPassword: openldap.bindPassword,
    userBase: openldap.usersDn,
    userFilter: '(uid={username})',
    groupBase: null,
    groupFilter: '(member={dn})',
    nestedGroups: false,
    idAttribute: null,
    usernameAttribute: 'uid',
    usernameForms: ['plain'],
    domain: null,
    netbiosDomain: null,
    startTls: false,
    ca: null,
    timeoutMs: 2_000,
    ...overrides,
  };
}

async function refusal(directory: LdapDirectory, username: string, secret: string): Promise<string> {
  try {
    await directory.authenticate(username, secret);
    return 'signed in';
  } catch (error) {
    if (error instanceof LdapRefusal) return error.reason;
    throw error;
  }
}

describe('LDAP sign-in, OpenLDAP layout over StartTLS', () => {
  it('signs in with the directory password; groups are normalized DNs the mapping opens', async () => {
    const { jar, status, body } = await password(people, 'ann', 'ann-pass');
    expect([status, body.next]).toEqual([200, 'done']);
    expect(await chooser(people, jar)).toEqual(['studio:contributor']);
    const { account, groups } = await people.accounts.show('ann');
    expect(account).toMatchObject({
      authProvider: 'ldap',
      authIssuer: null,
      name: 'Ann Example',
      accountRole: 'guest',
      clusterAdmin: false,
    });
    expect(account.authId).toMatch(/^[0-9a-f-]{36}$/);
    expect(groups).toEqual(['cn=photographers,ou=groups,dc=atrium,dc=test']);
    expect(await lastAudit(people)).toMatchObject({
      method: 'ldap',
      provider: 'ldap',
      result: 'success',
      username: 'ann',
    });
  });

  it('follows the directory at the next sign-in: a group left closes the instance', async () => {
    await openldap.removeMembers('photographers', ['ann']);
    try {
      const { jar } = await password(people, 'ann', 'ann-pass');
      expect(await chooser(people, jar)).toEqual([]);
    } finally {
      await openldap.addMembers('photographers', ['ann']);
    }
  });

  it('refuses a wrong password, and an empty one before any bind', async () => {
    const wrong = await password(people, 'ann', 'not-it');
    expect([wrong.status, wrong.body.error?.code]).toEqual([401, 'ERR_BAD_CREDENTIALS']);
    expect(await lastAudit(people)).toMatchObject({
      method: 'ldap',
      result: 'failure',
      reason: 'ldap_bad_password',
    });
    const empty = await password(people, 'ann', '');
    expect(empty.status).toBe(400);
    // Even past the HTTP checks, an empty password never reaches the directory (a closed port here).
    const dead = new LdapDirectory(config({ url: `ldap://127.0.0.1:${await freePort()}` }));
    expect(await refusal(dead, 'ann', '')).toBe('ldap_empty_password');
  });

  it('treats filter syntax in a username as text', async () => {
    for (const name of ['*', ')(uid=*', 'ann)(uid=*', 'a*', '*)(|(objectClass=*']) {
      const res = await password(people, name, 'ann-pass');
      expect(res.status, name).toBe(401);
      expect(await lastAudit(people), name).toMatchObject({ result: 'failure', reason: 'ldap_unknown_user' });
    }
  });

  it('throttles repeated failures before the directory is asked', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await password(people, 'eve', `guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    expect(await lastAudit(people)).toMatchObject({
      result: 'failure',
      reason: 'throttled',
      username: 'eve',
    });
    // Even the right password waits until the delay is over.
    expect((await password(people, 'eve', 'eve-pass')).status).toBe(429);
  });

  it('keeps a local account of the same name separate: the local one answers for that name', async () => {
    expect((await password(people, 'dan', 'dan-pass')).status).toBe(401);
    expect(await lastAudit(people)).toMatchObject({ method: 'password', reason: 'bad_password' });
  });

  it('speaks LDAPS too, with the same certificate checks', async () => {
    const url = openldap.ldapsUrl!;
    expect(await refusal(new LdapDirectory(config({ url, ca: certs.ca })), 'ann', 'ann-pass')).toBe(
      'signed in',
    );
    expect(await refusal(new LdapDirectory(config({ url, ca: certs.otherCa })), 'ann', 'ann-pass')).toBe(
      'ldap_tls_failed',
    );
  });

  it('checks the directory’s certificate against LDAP_CA_FILE', async () => {
    expect(
      await refusal(new LdapDirectory(config({ startTls: true, ca: certs.ca })), 'ann', 'ann-pass'),
    ).toBe('signed in');
    expect(
      await refusal(new LdapDirectory(config({ startTls: true, ca: certs.otherCa })), 'ann', 'ann-pass'),
    ).toBe('ldap_tls_failed');
    expect(await refusal(new LdapDirectory(config({ startTls: true })), 'ann', 'ann-pass')).toBe(
      'ldap_tls_failed',
    );
  });

  it('answers “directory unavailable” within seconds when the directory is down or silent', async () => {
    const silent: Server = createServer(() => undefined);
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      for (const url of [`ldap://127.0.0.1:${await freePort()}`, `ldap://127.0.0.1:${port}`]) {
        const started = Date.now();
        expect(
          await refusal(new LdapDirectory(config({ url, timeoutMs: 1_000 })), 'ann', 'ann-pass'),
          url,
        ).toBe('ldap_unavailable');
        // LDAP_TIMEOUT is 1 s here; the bound is loose because the machine is shared.
        expect(Date.now() - started, url).toBeLessThan(8_000);
      }
    } finally {
      silent.close();
    }
    const down = await PortalHarness.start({
      env: {
        LDAP_URL: `ldap://127.0.0.1:${await freePort()}`,
        LDAP_BIND_DN: openldap.bindDn,
        LDAP_BIND_PASSWORD: openldap.bindPassword,
        LDAP_USER_BASE: openldap.usersDn,
        LDAP_TIMEOUT: '2s',
      },
    });
    try {
      const res = await password(down, 'ann', 'ann-pass');
      expect([res.status, res.body.error?.code]).toEqual([503, 'ERR_DIRECTORY_UNAVAILABLE']);
      expect(await lastAudit(down)).toMatchObject({
        method: 'ldap',
        result: 'failure',
        reason: 'ldap_unavailable',
      });
    } finally {
      await down.stop();
    }
  });
});

describe('LDAP sign-in, Active Directory layout', () => {
  it('accepts ann, ann@corp.example and CORP\\ann for one account linked by objectGUID, with nested groups', async () => {
    for (const typed of ['asmith', 'ASmith@corp.example', 'CORP\\asmith']) {
      const { jar, status } = await password(corp, typed, 'asmith-pass');
      expect(status, typed).toBe(200);
      expect(await chooser(corp, jar), typed).toEqual(['studio:viewer']);
    }
    const { account, groups } = await corp.accounts.show('asmith');
    expect(account).toMatchObject({
      authProvider: 'ldap',
      authId: '33221100-5544-7766-8899-aabbccddeeff',
      name: 'Smith, Ann',
    });
    expect(groups.sort()).toEqual([
      'cn=photo team,ou=groups,dc=corp,dc=example',
      'cn=staff\\, all,ou=groups,dc=corp,dc=example',
    ]);
  });

  it('refuses a name of another domain, and a name two entries share', async () => {
    expect((await password(corp, 'asmith@evil.example', 'asmith-pass')).status).toBe(401);
    expect(await lastAudit(corp)).toMatchObject({ reason: 'ldap_invalid_username' });
    expect((await password(corp, 'OTHER\\asmith', 'asmith-pass')).status).toBe(401);
    expect((await password(corp, 'twin', 'twin-pass')).status).toBe(401);
    expect(await lastAudit(corp)).toMatchObject({ result: 'failure', reason: 'ldap_ambiguous_user' });
  });
});
