import type { NodeEntity } from '../entities/node.entity.js';
import { instanceUris } from './node.service.js';

/** How long the portal waits for a node's `/readyz` before calling it unreachable. */
export const PROBE_TIMEOUT_MS = 2000;

export interface NodeHealth {
  health: 'ready' | 'not_ready' | 'unreachable';
  version: string | null;
}

/** An Atrium instance (its URIs follow from its URL), not a generic relying party: it answers `/readyz`. */
export function isAtriumInstance(node: Pick<NodeEntity, 'role' | 'url' | 'redirectUris'>): boolean {
  if (node.role !== 'instance') return false;
  const derived = instanceUris(node.url).redirectUris;
  return node.redirectUris.length === derived.length && node.redirectUris.every((u, i) => u === derived[i]);
}

/**
 * Asks an instance's `/readyz` (libs/server's health module) how it is: 200 is ready, 503 answers
 * but is not ready, anything else or no answer in time is unreachable. Never throws.
 */
export async function probeReadyz(origin: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<NodeHealth> {
  try {
    const res = await fetch(`${origin}/readyz`, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    const body = (await res.json().catch(() => ({}))) as { version?: unknown };
    const version = typeof body.version === 'string' ? body.version.slice(0, 64) : null;
    if (res.status === 200) return { health: 'ready', version };
    if (res.status === 503) return { health: 'not_ready', version };
    return { health: 'unreachable', version: null };
  } catch {
    return { health: 'unreachable', version: null };
  }
}
