import { describe, expect, it } from 'vitest';
import { EnvReader } from '@atrium/server';
import { readLdapConfig } from '../ldap/ldap-config.js';
import { readOidcProviders } from './oidc-config.js';

const provider = {
  id: 'corp',
  name: 'Corp',
  issuer: 'https://idp.example/realms/corp',
  clientId: 'atrium',
  clientSecret: 's',
};
const providers = (list: unknown) =>
  readOidcProviders(new EnvReader({ OIDC_PROVIDERS: JSON.stringify(list) }));

describe('OIDC_PROVIDERS', () => {
  it('fills the defaults', () => {
    expect(providers([provider])).toEqual([
      {
        ...provider,
        groupsClaim: 'groups',
        scopes: ['profile', 'email'],
        createAccounts: true,
        algorithms: ['RS256'],
      },
    ]);
  });

  it('names the variable and the field of a bad value', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /^OIDC_PROVIDERS: must be a JSON list/],
      [[{ ...provider, id: 'Corp SSO' }], /^OIDC_PROVIDERS: entry 0: "id" is 1–24 lower-case/],
      [[{ ...provider, issuer: 'idp.example' }], /entry 0: "issuer" is not a URL/],
      [[{ ...provider, issuer: 'ftp://idp.example' }], /entry 0: "issuer" must be an https URL/],
      [[{ ...provider, clientSecret: '' }], /entry 0: "clientSecret" must be a non-empty string/],
      [[{ ...provider, scopes: 'openid' }], /entry 0: "scopes" must be a list/],
      [[{ ...provider, createAccounts: 'no' }], /entry 0: "createAccounts" must be true or false/],
      [[{ ...provider, algorithms: ['HS256'] }], /entry 0: "algorithms" must list asymmetric/],
      [[{ ...provider, groupsClaim: 'a b' }], /entry 0: "groupsClaim" is not a claim name/],
      [[{ ...provider, secret: 'typo' }], /entry 0: unknown field\(s\) secret/],
      [[provider, { ...provider }], /entry 1: "id" corp is used twice/],
      [[provider, 'x'], /entry 1 is not an object/],
    ];
    for (const [value, message] of cases)
      expect(() => providers(value), JSON.stringify(value)).toThrow(message);
    expect(() => readOidcProviders(new EnvReader({ OIDC_PROVIDERS: '[{' }))).toThrow(
      /^OIDC_PROVIDERS: is not valid JSON/,
    );
  });

  it('takes the OIDC_ISSUER shorthand for one provider, and not beside the list', () => {
    const env = {
      OIDC_ISSUER: 'https://login.example',
      OIDC_CLIENT_ID: 'a',
      OIDC_CLIENT_SECRET: 'b',
      OIDC_GROUPS_CLAIM: 'roles',
    };
    expect(readOidcProviders(new EnvReader(env))).toEqual([
      expect.objectContaining({
        id: 'oidc',
        issuer: 'https://login.example',
        clientId: 'a',
        groupsClaim: 'roles',
      }),
    ]);
    expect(() => readOidcProviders(new EnvReader({ ...env, OIDC_CLIENT_SECRET: '' }))).toThrow(
      /^OIDC_CLIENT_SECRET: is required/,
    );
    expect(() => readOidcProviders(new EnvReader({ ...env, OIDC_ISSUER: 'nope' }))).toThrow(
      /^OIDC_ISSUER: "issuer" is not a URL/,
    );
    expect(() => readOidcProviders(new EnvReader({ OIDC_CLIENT_ID: 'a' }))).toThrow(
      /^OIDC_CLIENT_ID: is set but OIDC_ISSUER is not/,
    );
    expect(() =>
      readOidcProviders(new EnvReader({ ...env, OIDC_PROVIDERS: JSON.stringify([provider]) })),
    ).toThrow(/^OIDC_ISSUER: use either/);
  });
});

describe('LDAP_*', () => {
  const base = {
    LDAP_URL: 'ldap://dc1.corp.example',
    LDAP_BIND_DN: 'CN=svc atrium,OU=Service,DC=corp,DC=example',
    LDAP_BIND_PASSWORD: 'x',
    LDAP_USER_BASE: 'OU=Staff,DC=corp,DC=example',
  };
  const read = (env: Record<string, string>) => readLdapConfig(new EnvReader({ ...base, ...env }));

  it('is off without LDAP_URL, and reads an AD layout', () => {
    expect(readLdapConfig(new EnvReader({}))).toBeNull();
    expect(
      read({
        LDAP_USER_FILTER: '(sAMAccountName={username})',
        LDAP_USERNAME_FORMS: 'plain,upn,netbios',
        LDAP_DOMAIN: 'Corp.Example',
        LDAP_NETBIOS_DOMAIN: 'corp',
        LDAP_TIMEOUT: '3s',
      }),
    ).toMatchObject({
      usernameAttribute: 'sAMAccountName',
      domain: 'corp.example',
      netbiosDomain: 'CORP',
      timeoutMs: 3000,
      groupBase: null,
    });
  });

  it('names the variable of a bad value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ LDAP_URL: 'http://dc1' }, /^LDAP_URL: must use ldap: or ldaps:/],
      [{ LDAP_URL: 'ldap://dc1/dc=x' }, /^LDAP_URL: is ldap:\/\/host/],
      [{ LDAP_BIND_DN: 'not a dn' }, /^LDAP_BIND_DN: is not a DN/],
      [{ LDAP_USER_FILTER: 'uid={username}' }, /^LDAP_USER_FILTER: must be an LDAP filter in parentheses/],
      [{ LDAP_USER_FILTER: '(uid=ann)' }, /^LDAP_USER_FILTER: must contain \{username\} or \{upn\}/],
      [{ LDAP_GROUP_FILTER: '(member=x)' }, /^LDAP_GROUP_FILTER: must contain \{dn\}/],
      [{ LDAP_USERNAME_FORMS: 'plain,email' }, /^LDAP_USERNAME_FORMS: unknown value\(s\) email/],
      [{ LDAP_USERNAME_FORMS: 'upn' }, /^LDAP_DOMAIN: is required/],
      [{ LDAP_USERNAME_FORMS: 'netbios' }, /^LDAP_NETBIOS_DOMAIN: is required/],
      [{ LDAP_STARTTLS: 'true', LDAP_URL: 'ldaps://dc1' }, /^LDAP_STARTTLS: is for ldap:\/\/ URLs/],
      [{ LDAP_CA_FILE: '/nonexistent/ca.pem' }, /^LDAP_CA_FILE: cannot be read/],
      [{ LDAP_TIMEOUT: 'soon' }, /^LDAP_TIMEOUT: must be a duration/],
      [{ LDAP_BIND_PASSWORD: '' }, /^LDAP_BIND_PASSWORD: is required/],
    ];
    for (const [env, message] of cases) expect(() => read(env), JSON.stringify(env)).toThrow(message);
    expect(() => readLdapConfig(new EnvReader({ LDAP_USER_BASE: 'dc=x' }))).toThrow(
      /^LDAP_USER_BASE: is set but LDAP_URL is not/,
    );
  });
});
