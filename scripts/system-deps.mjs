#!/usr/bin/env node
// Checks the Debian packages Atrium's tests and `atrium start` need. When one is missing it
// installs it as root (apt-get), otherwise it prints the one command to run and exits non-zero.
// Usage: node scripts/system-deps.mjs [--need redis-server,ffmpeg] [--quiet]
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXTRA_BIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const APT_LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=300'];
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** Debian package → a check that its programs are really there. */
const PACKAGES = {
  'redis-server': () => hasExecutables('redis-server'),
  slapd: () => hasExecutables('slapd'),
  'ldap-utils': () => hasExecutables('ldapadd', 'ldapsearch'),
  ffmpeg: () => hasExecutables('ffmpeg', 'ffprobe'),
  chromium: () => hasExecutables('chromium'),
  rclone: () => hasExecutables('rclone'),
  // `convert` may be a stand-in that only renders PNGs; the real one names itself.
  imagemagick: () => /^Version: ImageMagick/m.test(run('convert', ['-version']).stdout),
};

/** Every package this script knows, in install order. */
export const SYSTEM_PACKAGES = Object.keys(PACKAGES);

/**
 * A failure with a stable `code`; for missing packages, `packages` lists them and `command` is the
 * one command a user without root should run.
 */
export class SystemDepsError extends Error {
  constructor(code, message, { packages = [], command } = {}) {
    super(message);
    this.name = 'SystemDepsError';
    this.code = code;
    this.packages = packages;
    this.command = command;
  }
}

let aptUpdated = false;

/** Full path of an executable on PATH or in the sbin folders, or undefined. */
export function findExecutable(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

function hasExecutables(...names) {
  return names.every((name) => findExecutable(name) !== undefined);
}

function run(name, args, options = {}) {
  const file = findExecutable(name);
  if (file === undefined) return { status: 127, stdout: '', stderr: `${name}: not found` };
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 600_000, ...options });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function validate(need) {
  const unknown = need.filter((name) => !(name in PACKAGES));
  if (unknown.length > 0) {
    throw new SystemDepsError(
      'ERR_SYSTEM_DEPS_UNKNOWN',
      `unknown package(s): ${unknown.join(', ')}; known: ${SYSTEM_PACKAGES.join(', ')}`,
    );
  }
}

/** The packages among `need` whose programs are missing. */
export function missingPackages(need = SYSTEM_PACKAGES) {
  validate(need);
  return need.filter((name) => !PACKAGES[name]());
}

/** The single command a user without root should run to install `packages`. */
export function installCommand(packages) {
  const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  return `sudo sh -c 'apt-get update && ${install}'`;
}

function apt(args, quiet) {
  const stdio = quiet ? 'pipe' : 'inherit';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const result = run('apt-get', [...APT_LOCK_WAIT, ...args], { stdio, env });
  if (result.status !== 0) {
    throw new SystemDepsError(
      'ERR_SYSTEM_DEPS_INSTALL',
      `apt-get ${args[0]} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

// Debian starts services (slapd, redis) on install; tests start their own on free ports, so
// invoke-rc.d is told not to (exit 101 = action forbidden) while apt-get runs.
function withoutServiceStarts(action) {
  if (existsSync(POLICY_RC_D)) return action();
  writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    return action();
  } finally {
    rmSync(POLICY_RC_D, { force: true });
  }
}

function installAsRoot(missing, quiet) {
  console.error(`system-deps: installing ${missing.join(' ')} with apt-get`);
  if (!aptUpdated) {
    apt(['update'], quiet);
    aptUpdated = true;
  }
  withoutServiceStarts(() => apt(['install', '-y', '--no-install-recommends', ...missing], quiet));
}

/**
 * Makes sure the Debian packages in `need` (all known ones by default) are installed. Fast when
 * they are: no apt call. As root it installs what is missing; otherwise it throws a
 * {@link SystemDepsError} (`ERR_SYSTEM_DEPS_MISSING`) whose `command` says what to run.
 * Resolves to the lists of packages that were missing and installed.
 */
export async function ensureSystemDeps({ need = SYSTEM_PACKAGES, quiet = false } = {}) {
  const missing = missingPackages(need);
  if (missing.length === 0) {
    if (!quiet) console.log(`system-deps: all present (${need.join(', ')})`);
    return { missing, installed: [] };
  }
  const command = installCommand(missing);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || findExecutable('apt-get') === undefined) {
    const message = `missing Debian packages: ${missing.join(' ')}; run:\n  ${command}`;
    throw new SystemDepsError('ERR_SYSTEM_DEPS_MISSING', message, { packages: missing, command });
  }
  installAsRoot(missing, quiet);
  const still = missingPackages(missing);
  if (still.length > 0) {
    throw new SystemDepsError('ERR_SYSTEM_DEPS_INSTALL', `installed, but still missing: ${still.join(' ')}`, {
      packages: still,
      command,
    });
  }
  console.error(`system-deps: installed ${missing.join(' ')}`);
  return { missing, installed: missing };
}

const USAGE = 'usage: node scripts/system-deps.mjs [--need PACKAGE[,PACKAGE…]] [--quiet]';

function parseArgs(argv) {
  const options = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quiet') options.quiet = true;
    else if (arg === '--need' && i + 1 < argv.length) options.need = argv[++i].split(',').filter(Boolean);
    else if (arg.startsWith('--need=')) options.need = arg.slice('--need='.length).split(',').filter(Boolean);
    else throw new SystemDepsError('ERR_USAGE', `unexpected argument: ${arg}\n${USAGE}`);
  }
  if (options.need !== undefined && options.need.length === 0) {
    throw new SystemDepsError('ERR_USAGE', `--need takes a list of packages\n${USAGE}`);
  }
  return options;
}

async function main(argv) {
  try {
    await ensureSystemDeps(parseArgs(argv));
    return 0;
  } catch (error) {
    if (!(error instanceof SystemDepsError)) throw error;
    if (error.code === 'ERR_SYSTEM_DEPS_MISSING') {
      console.error(`system-deps: missing Debian packages: ${error.packages.join(' ')}. Run:`);
      console.log(error.command);
      return 1;
    }
    console.error(`system-deps: ${error.message}`);
    return error.code === 'ERR_USAGE' || error.code === 'ERR_SYSTEM_DEPS_UNKNOWN' ? 2 : 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
