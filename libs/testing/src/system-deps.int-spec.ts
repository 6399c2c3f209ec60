import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, makeTempDir, type TempDir } from './processes.js';

interface SystemDepsModule {
  SYSTEM_PACKAGES: string[];
  ensureSystemDeps(options: {
    need?: string[];
    quiet?: boolean;
  }): Promise<{ missing: string[]; installed: string[] }>;
  installCommand(packages: string[]): string;
}

const script = new URL('../../../scripts/system-deps.mjs', import.meta.url);
const loadScript = async () => (await import(script.href)) as SystemDepsModule;

/** Runs a copy of the script as an unprivileged user (it would install as root) with a given PATH. */
function runAsUser(folder: TempDir, args: string[], path: string) {
  const copy = join(folder.path, 'system-deps.mjs');
  copyFileSync(script, copy);
  const setpriv = findExecutable('setpriv') ?? 'setpriv';
  const asNobody =
    process.getuid?.() === 0 ? [setpriv, '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
  const [command = process.execPath, ...rest] = [...asNobody, process.execPath, copy, ...args];
  return spawnSync(command, rest, {
    encoding: 'utf8',
    env: { PATH: path, NODE_ENV: 'test' },
    cwd: folder.path,
  });
}

describe('scripts/system-deps.mjs', () => {
  let folder: TempDir;
  beforeAll(() => {
    folder = makeTempDir('system-deps-spec');
  });
  afterAll(() => folder.remove());

  it('finds every package present without calling apt (the global setup installed them)', async () => {
    const { ensureSystemDeps, SYSTEM_PACKAGES } = await loadScript();
    const started = Date.now();
    expect(await ensureSystemDeps({ quiet: true })).toEqual({ missing: [], installed: [] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(SYSTEM_PACKAGES).toEqual([
      'redis-server',
      'slapd',
      'ldap-utils',
      'ffmpeg',
      'chromium',
      'rclone',
      'imagemagick',
    ]);
  });

  it('rejects unknown package names with a stable code', async () => {
    const { ensureSystemDeps } = await loadScript();
    for (const name of ['', 'redis', 'postgresql', 'slapd; rm -rf /', '--yes']) {
      const error = await ensureSystemDeps({ need: [name], quiet: true }).catch((caught: unknown) => caught);
      expect((error as { code: string }).code, name).toBe('ERR_SYSTEM_DEPS_UNKNOWN');
    }
  });

  it('prints exactly one install command and exits 1 for a user who cannot install', () => {
    const emptyBin = join(folder.path, 'empty-bin');
    spawnSync('mkdir', ['-p', emptyBin]);
    const result = runAsUser(folder, ['--need', 'redis-server,rclone'], emptyBin);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      "sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server rclone'\n",
    );
    expect(result.stderr).toContain('missing Debian packages: redis-server rclone');
  });

  it('does not take a stand-in convert for ImageMagick', () => {
    const fakeBin = join(folder.path, 'fake-bin');
    spawnSync('mkdir', ['-p', fakeBin]);
    writeFileSync(
      join(fakeBin, 'convert'),
      '#!/bin/sh\necho "convert: ImageMagick is not installed here"\n',
      { mode: 0o755 },
    );
    const result = runAsUser(folder, ['--need=imagemagick'], `${fakeBin}:/usr/bin:/bin`);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('--no-install-recommends imagemagick');
  });

  it('answers usage errors with exit 2', () => {
    for (const args of [['--bogus'], ['--need'], ['--need', ','], ['--need', 'nope']]) {
      const result = runAsUser(folder, args, '/usr/bin:/bin');
      expect(result.status, args.join(' ')).toBe(2);
    }
  });
});
