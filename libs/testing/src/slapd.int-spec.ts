import { Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from './errors.js';
import { startSlapd, type TestSlapd } from './slapd.js';

async function asUser<T>(
  url: string,
  dn: string,
  password: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ url });
  try {
    await client.bind(dn, password);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

function memberOf(url: string, dn: string, password: string): Promise<string[]> {
  return asUser(url, dn, password, async (client) => {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['memberOf'] });
    const values = searchEntries[0]?.memberOf ?? [];
    return (Array.isArray(values) ? values : [values]).map(String).sort();
  });
}

describe('startSlapd', () => {
  let ldap: TestSlapd;
  beforeAll(async () => {
    ldap = await startSlapd();
  });
  afterAll(() => ldap.stop());

  it('binds as a user and keeps memberOf for groups added over LDAP', async () => {
    const alice = await ldap.addUser({
      uid: 'alice',
      password: 'alice-pw',
      cn: 'Alice Example',
      mail: 'alice@example.test',
    });
    await ldap.addUser({ uid: 'bob', password: 'bob-pw' });
    const photographers = await ldap.addGroup({ cn: 'photographers', members: ['alice', 'bob'] });
    const admins = await ldap.addGroup({ cn: 'admins', members: ['alice'] });

    expect(alice).toBe(`uid=alice,${ldap.usersDn}`);
    expect(await memberOf(ldap.url, alice, 'alice-pw')).toEqual([admins, photographers].sort());

    const bob = `uid=bob,${ldap.usersDn}`;
    await ldap.addMembers('admins', ['bob']);
    expect(await memberOf(ldap.url, bob, 'bob-pw')).toEqual([admins, photographers].sort());
    await ldap.removeMembers('photographers', ['bob']);
    expect(await memberOf(ldap.url, bob, 'bob-pw')).toEqual([admins]);
  });

  it('finds a user by filter as the service account and hides passwords', async () => {
    await ldap.addUser({ uid: 'carol', password: 'carol-pw', mail: 'carol@example.test' });
    const entries = await asUser(
      ldap.url,
      ldap.bindDn,
      ldap.bindPassword,
      async (client) =>
        (
          await client.search(ldap.usersDn, {
            filter: '(mail=carol@example.test)',
            attributes: ['uid', 'entryUUID'],
          })
        ).searchEntries,
    );
    expect(entries.map((entry) => entry.uid)).toEqual(['carol']);
    expect(String(entries[0]?.entryUUID)).toMatch(/^[0-9a-f-]{36}$/);

    const seen = await asUser(
      ldap.url,
      `uid=carol,${ldap.usersDn}`,
      'carol-pw',
      async (client) =>
        (
          await client.search(`uid=alice,${ldap.usersDn}`, {
            scope: 'base',
            attributes: ['userPassword', 'cn'],
          })
        ).searchEntries[0],
    );
    expect(seen?.cn).toBe('Alice Example');
    expect(seen?.userPassword ?? []).toEqual([]);
  });

  it('refuses a wrong password', async () => {
    await expect(
      asUser(ldap.url, `uid=alice,${ldap.usersDn}`, 'wrong', async () => true),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('escapes special characters in uids, and refint drops deleted users from groups', async () => {
    const uid = 'dan,o+"x"\\ (*)';
    const dn = await ldap.addUser({ uid, password: 'dan-pw' });
    await ldap.addGroup({ cn: 'editors', members: [uid, 'alice'] });
    expect(await memberOf(ldap.url, dn, 'dan-pw')).toEqual([`cn=editors,${ldap.groupsDn}`]);

    await ldap.deleteUser(uid);
    const members = await asUser(
      ldap.url,
      ldap.bindDn,
      ldap.bindPassword,
      async (client) =>
        (await client.search(`cn=editors,${ldap.groupsDn}`, { scope: 'base', attributes: ['member'] }))
          .searchEntries[0]?.member,
    );
    expect(members).toBe(`uid=alice,${ldap.usersDn}`);
  });

  it('rejects bad suffixes and empty groups with stable codes', async () => {
    for (const suffix of ['', 'o=atrium', 'dc=a,,dc=b', 'dc=a b', 'dc=x)(cn=*', 'dc=a,ou=b']) {
      const error = await startSlapd({ suffix }).catch((caught: unknown) => caught);
      expect((error as HarnessError).code, suffix).toBe('ERR_LDAP_SUFFIX');
    }
    const empty = await ldap.addGroup({ cn: 'nobody', members: [] }).catch((caught: unknown) => caught);
    expect((empty as HarnessError).code).toBe('ERR_LDAP_GROUP_EMPTY');
  });
});
