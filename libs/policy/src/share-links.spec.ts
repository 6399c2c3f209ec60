import { describe, expect, it } from 'vitest';
import { isPolicyError } from './errors.js';
import { evaluateShareLink, linkShowsAlbum, linkShowsAsset } from './share-links.js';
import { aShareLink, anAlbum, anAsset } from './test/factories.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);
const open = { now: NOW, passwordVerified: false };

describe('evaluateShareLink (rule 7)', () => {
  it('accepts a live link and says whether originals may be downloaded', () => {
    expect(evaluateShareLink(aShareLink(), open)).toEqual({
      status: 'valid',
      target: { kind: 'album', albumId: 'album-1' },
      downloadAllowed: false,
    });
    const asset = aShareLink({
      target: { kind: 'asset', assetId: 'x' },
      allowDownload: true,
      expiresAt: at(1),
    });
    expect(evaluateShareLink(asset, open)).toEqual({
      status: 'valid',
      target: { kind: 'asset', assetId: 'x' },
      downloadAllowed: true,
    });
  });

  it('expires at the instant of expiry, not a millisecond later', () => {
    expect(evaluateShareLink(aShareLink({ expiresAt: at(1) }), open).status).toBe('valid');
    expect(evaluateShareLink(aShareLink({ expiresAt: at(0) }), open)).toEqual({
      status: 'expired',
      downloadAllowed: false,
    });
    expect(evaluateShareLink(aShareLink({ expiresAt: at(-1), allowDownload: true }), open)).toEqual({
      status: 'expired',
      downloadAllowed: false,
    });
  });

  it('treats an unreadable expiry as expired', () => {
    expect(evaluateShareLink(aShareLink({ expiresAt: new Date('not a date') }), open).status).toBe('expired');
    expect(evaluateShareLink(aShareLink({ expiresAt: '2999-01-01' as unknown as Date }), open).status).toBe(
      'expired',
    );
  });

  it('asks for the password until it is verified', () => {
    const link = aShareLink({ hasPassword: true, allowDownload: true });
    expect(evaluateShareLink(link, open)).toEqual({ status: 'password_required', downloadAllowed: false });
    expect(evaluateShareLink(link, { now: NOW, passwordVerified: 'yes' as unknown as boolean }).status).toBe(
      'password_required',
    );
    expect(evaluateShareLink(link, { now: NOW, passwordVerified: true })).toMatchObject({
      status: 'valid',
      downloadAllowed: true,
    });
  });

  it('reports revoked before expired, and both before asking for a password', () => {
    const dead = aShareLink({ revokedAt: at(-10), expiresAt: at(-5), hasPassword: true });
    expect(evaluateShareLink(dead, { now: NOW, passwordVerified: true })).toEqual({
      status: 'revoked',
      downloadAllowed: false,
    });
    const expired = aShareLink({ expiresAt: at(-5), hasPassword: true });
    expect(evaluateShareLink(expired, open).status).toBe('expired');
    expect(evaluateShareLink(aShareLink({ revokedAt: at(1000) }), open).status).toBe('revoked');
  });

  it('refuses to evaluate without a valid clock', () => {
    for (const now of [new Date(Number.NaN), undefined, Date.now(), '2026-11-20']) {
      let caught: unknown;
      try {
        evaluateShareLink(aShareLink(), { now: now as unknown as Date, passwordVerified: false });
      } catch (error) {
        caught = error;
      }
      expect(isPolicyError(caught, 'ERR_CLOCK_INVALID')).toBe(true);
    }
  });

  it('only allows download when the link says exactly true', () => {
    const link = aShareLink({ allowDownload: 'yes' as unknown as boolean });
    expect(evaluateShareLink(link, open).downloadAllowed).toBe(false);
  });
});

describe('what a link shows', () => {
  const albumTarget = { kind: 'album', albumId: 'a1' } as const;
  const assetTarget = { kind: 'asset', assetId: 'x' } as const;

  it.each([
    ['a photo of the album', albumTarget, anAsset({ albums: [anAlbum('a2'), anAlbum('a1')] }), true],
    ['a photo of another album', albumTarget, anAsset({ albums: [anAlbum('a2')] }), false],
    ['a private photo of the album', albumTarget, anAsset({ private: true, albums: [anAlbum('a1')] }), false],
    [
      'an archived photo of the album',
      albumTarget,
      anAsset({ archived: true, albums: [anAlbum('a1')] }),
      false,
    ],
    [
      'a photo of the album with its own policy',
      albumTarget,
      anAsset({ policy: { everyone: true, users: [], groups: [] }, albums: [anAlbum('a1')] }),
      false,
    ],
    ['the asset it names', assetTarget, anAsset({ id: 'x' }), true],
    ['the asset it names, private', assetTarget, anAsset({ id: 'x', private: true }), false],
    ['another asset', assetTarget, anAsset({ id: 'y', albums: [anAlbum('x')] }), false],
  ] as const)('%s: %s', (_what, target, asset, shown) => {
    expect(linkShowsAsset(target, asset)).toBe(shown);
  });

  it('shows only the album an album link names', () => {
    expect(linkShowsAlbum(albumTarget, 'a1')).toBe(true);
    expect(linkShowsAlbum(albumTarget, 'a2')).toBe(false);
    expect(linkShowsAlbum(assetTarget, 'x')).toBe(false);
  });
});
