import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveLimits, type MediaLimits } from '../limits.js';
import { locateFfmpeg } from '../video/binaries.js';
import type { MediaContext } from '../processing/context.js';
import { SharedDerivativeStore } from '../processing/shared-store.js';

/** An instance's folders under `root` and a context to run jobs with (system ffmpeg). */
export function makeContext(root: string, options: { name?: string; limits?: Partial<MediaLimits>; shared?: string } = {}): MediaContext {
  const base = join(root, options.name ?? 'instance');
  const originalsPath = join(base, 'originals');
  const cachePath = join(base, 'cache');
  mkdirSync(originalsPath, { recursive: true });
  mkdirSync(cachePath, { recursive: true });
  return {
    originalsPath,
    cachePath,
    limits: resolveLimits(options.limits),
    binaries: locateFfmpeg('/usr/local/bin:/usr/bin:/bin'),
    sharedStore: options.shared ? new SharedDerivativeStore(options.shared) : null,
  };
}
