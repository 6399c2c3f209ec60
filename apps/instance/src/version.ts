import { createRequire } from 'node:module';

/** This instance's release, from its package.json (the same file next to src/ and dist/). */
export const INSTANCE_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
