import { describe, expect, it } from 'vitest';
import type { AccessDecision } from '@atrium/policy';
import { parseConfiguredNodes } from '../config.js';
import { backoffMs } from './outbox.worker.js';
import { narrowing } from './revocation.service.js';
import { SessionService } from './session.service.js';
import type { PortalSettings } from '../common/settings.js';
import {
  groupKind,
  parseEmail,
  parseGroup,
  parseInstanceRole,
  parsePathTemplate,
  parseUsername,
} from '../common/validation.js';

const allow = (role: 'admin' | 'user' | 'guest', basePath: string | null = null): AccessDecision => ({
  allowed: true,
  role,
  basePath,
  uploadPath: null,
  reason: 'grant',
  source: { kind: 'grant', roleFrom: 'grant' },
});
const deny: AccessDecision = { allowed: false, reason: 'no_grant_or_group' };

describe('narrowing', () => {
  it('names the change that must end instance sessions, and only those', () => {
    const table: [AccessDecision, AccessDecision, string | undefined][] = [
      [allow('user'), deny, 'access_revoked'],
      [allow('admin'), allow('guest'), 'role_lowered'],
      [allow('user'), allow('user', 'people/ann'), 'paths_changed'],
      [allow('guest'), allow('admin'), undefined],
      [allow('user'), allow('user'), undefined],
      [deny, allow('user'), undefined],
      [deny, deny, undefined],
    ];
    for (const [before, after, expected] of table) expect(narrowing(before, after)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it('doubles from one second and stops at ten minutes', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(600_000);
    expect(backoffMs(0)).toBe(1000);
  });
});

describe('validation', () => {
  it('lower-cases usernames and refuses unsafe ones', () => {
    expect(parseUsername(' Ann.Example@Corp ')).toBe('ann.example@corp');
    for (const bad of ['', '.ann', 'a/b', '..', 'ann smith', 'a'.repeat(64), 'ann\u0000', null, 42]) {
      expect(() => parseUsername(bad), String(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_USERNAME_INVALID' }),
      );
    }
  });

  it('accepts only grantable roles', () => {
    expect(parseInstanceRole(' Manager ')).toBe('manager');
    for (const bad of ['visitor', 'cluster_admin', 'root', '', undefined]) {
      expect(() => parseInstanceRole(bad)).toThrow(expect.objectContaining({ code: 'ERR_ROLE_INVALID' }));
    }
  });

  it('keeps path templates relative and safe for any username', () => {
    expect(parsePathTemplate('people/{username}', 'base path')).toBe('people/{username}');
    expect(parsePathTemplate('  ', 'base path')).toBeNull();
    for (const bad of ['/etc', '../up', 'a/../../b', 'C:/x', 'a\\b', 'a\u0000b']) {
      expect(() => parsePathTemplate(bad, 'base path'), bad).toThrow(
        expect.objectContaining({ code: 'ERR_PATH_INVALID' }),
      );
    }
  });

  it('checks emails and groups, telling DNs from names', () => {
    expect(parseEmail('ann@example.org')).toBe('ann@example.org');
    expect(parseEmail('')).toBeNull();
    expect(() => parseEmail('not-an-email')).toThrow(expect.objectContaining({ code: 'ERR_EMAIL_INVALID' }));
    expect(groupKind('cn=Staff,ou=Groups,dc=example,dc=org')).toBe('dn');
    expect(groupKind('family')).toBe('name');
    expect(parseGroup('cn=Staff,dc=example', 'dn')).toBe('cn=Staff,dc=example');
    for (const bad of ['', 'x'.repeat(1025), 'a\nb'])
      expect(() => parseGroup(bad)).toThrow(expect.objectContaining({ code: 'ERR_GROUP_INVALID' }));
  });
});

describe('ATRIUM_NODES', () => {
  it('needs every field and a secret of 256 bits', () => {
    const secret = 'x'.repeat(43);
    expect(
      parseConfiguredNodes([
        { name: 'family', url: 'https://f.example', clientId: 'c', clientSecret: secret, extra: 1 },
      ]),
    ).toEqual([{ name: 'family', url: 'https://f.example', clientId: 'c', clientSecret: secret }]);
    for (const bad of [
      {},
      [null],
      [{ name: 'f', url: 'u', clientId: 'c' }],
      [{ name: 'f', url: 'u', clientId: 'c', clientSecret: 'short' }],
    ]) {
      expect(() => parseConfiguredNodes(bad)).toThrow();
    }
  });
});

describe('the session cookie', () => {
  const cookieFor = (publicUrl: string) =>
    new SessionService({} as never, {} as never, {} as never, {} as never, { publicUrl } as PortalSettings).cookie();

  it('is __Host- and Secure under https, HttpOnly and SameSite=Lax always', () => {
    expect(cookieFor('https://photos.example.org')).toEqual({
      name: '__Host-atrium-portal',
      options: { httpOnly: true, sameSite: 'lax', secure: true, path: '/' },
    });
    expect(cookieFor('http://127.0.0.1:8080')).toMatchObject({
      name: 'atrium-portal',
      options: { secure: false, httpOnly: true },
    });
  });
});
