import { MediaError } from '../errors.js';
import { CONTENT_HASH_PATTERN } from '../hash.js';
import { assertRelPath, DERIVATIVE_KINDS, type DerivativeKind } from '../paths.js';
import { SchemaCheck } from './check.js';
import { checkParams, type DerivativeParams } from './params.js';

/** The work queues of docs/contracts.md §5; results come back on {@link RESULTS_QUEUE}. */
export const MEDIA_QUEUES = ['metadata', 'thumbnails', 'video'] as const;
/** One work queue. */
export type MediaQueueName = (typeof MEDIA_QUEUES)[number];
/** The queue on which workers report results to the instance. */
export const RESULTS_QUEUE = 'results';

/** Asset ids: letters, digits, `_` and `-` (a UUID fits); never `:`, which BullMQ ids refuse. */
export const ASSET_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
const NODE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** Request ids as libs/server hands them out or takes them from a trusted proxy: short and printable. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * One job, as both sides of the queue see it. `kinds` is empty on the `metadata` queue, a subset of
 * `thumb`, `preview`, `poster` on `thumbnails`, and exactly `video` on `video`.
 */
export interface MediaJobPayload {
  readonly assetId: string;
  /** The original's path relative to ORIGINALS_PATH (canonical: no `.`, `..` or empty segment). */
  readonly relPath: string;
  /** SHA-256 of the original, lowercase hex ({@link hashFile}). */
  readonly contentHash: string;
  readonly kinds: readonly DerivativeKind[];
  readonly params: DerivativeParams;
  /** The HTTP request that queued the job, when one did: the worker's log lines carry it. */
  readonly requestId?: string;
}

/**
 * Validates an unknown value as a {@link MediaJobPayload}; throws `invalid_payload` naming every bad
 * field (or `forbidden_path` for a relPath that could escape the root).
 */
export function parseMediaJobPayload(input: unknown): MediaJobPayload {
  // Most payloads are plainly valid: accepted without collecting problems; anything else, good or
  // bad, takes the full check below, which names every problem.
  if (plainlyValid(input)) {
    assertRelPath(input.relPath);
    return { ...input, kinds: [...input.kinds].sort() };
  }
  const check = new SchemaCheck('media job payload');
  const value = check.object('payload', input);
  if (!value) return check.done() as never;
  check.onlyKeys('', value, [...PAYLOAD_KEYS, 'requestId']);
  if (value.requestId !== undefined) check.string('requestId', value.requestId, REQUEST_ID_PATTERN, 'must be 1–128 letters, digits or ._:@-');
  check.string('assetId', value.assetId, ASSET_ID_PATTERN, 'must be 1–100 letters, digits, "_" or "-"');
  check.string('contentHash', value.contentHash, CONTENT_HASH_PATTERN, 'must be a SHA-256 digest in lowercase hex');
  checkKinds(check, value.kinds);
  checkParams(check, 'params', value.params);
  if (typeof value.relPath !== 'string') check.fail('relPath', 'must be a string');
  check.done();
  assertRelPath(value.relPath);
  return { ...(value as unknown as MediaJobPayload), kinds: [...(value.kinds as DerivativeKind[])].sort() };
}

const PAYLOAD_KEYS: readonly string[] = ['assetId', 'relPath', 'contentHash', 'kinds', 'params'];

/**
 * True only for a payload the full check accepts as it is: exactly the five fields (and a good
 * requestId), no params set,
 * distinct kinds that fit one queue. (relPath is checked by the caller, as in the full check.)
 */
function plainlyValid(input: unknown): input is MediaJobPayload {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const keys = Object.keys(input);
  const { assetId, contentHash, relPath, kinds, params, requestId } = input as Record<string, unknown>;
  const expected = requestId === undefined ? PAYLOAD_KEYS.length : PAYLOAD_KEYS.length + 1;
  if (keys.length !== expected || !keys.every((key) => PAYLOAD_KEYS.includes(key) || key === 'requestId')) return false;
  if (requestId !== undefined && (typeof requestId !== 'string' || !REQUEST_ID_PATTERN.test(requestId))) return false;
  return (
    typeof assetId === 'string' &&
    ASSET_ID_PATTERN.test(assetId) &&
    typeof contentHash === 'string' &&
    CONTENT_HASH_PATTERN.test(contentHash) &&
    typeof relPath === 'string' &&
    typeof params === 'object' &&
    params !== null &&
    !Array.isArray(params) &&
    Object.keys(params).length === 0 &&
    Array.isArray(kinds) &&
    plainKinds(kinds)
  );
}

// [], ['video'], or distinct image kinds (thumbnails).
function plainKinds(kinds: readonly unknown[]): boolean {
  if (kinds.length === 0 || (kinds.length === 1 && kinds[0] === 'video')) return true;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind !== 'thumb' && kind !== 'preview' && kind !== 'poster') return false;
    if (kinds.indexOf(kind) !== i) return false;
  }
  return true;
}

function checkKinds(check: SchemaCheck, kinds: unknown): void {
  if (!Array.isArray(kinds)) return check.fail('kinds', 'must be an array');
  kinds.forEach((kind, i) => check.oneOf(`kinds[${i}]`, kind, DERIVATIVE_KINDS));
  if (new Set(kinds).size !== kinds.length) check.fail('kinds', 'must not repeat a kind');
  if (kinds.length > 0 && kinds.every((k) => DERIVATIVE_KINDS.includes(k)) && !queueOf(kinds)) {
    check.fail('kinds', '"video" goes alone, on the video queue');
  }
}

function queueOf(kinds: readonly DerivativeKind[]): MediaQueueName | undefined {
  if (kinds.length === 0) return 'metadata';
  if (kinds.length === 1 && kinds[0] === 'video') return 'video';
  return kinds.includes('video') ? undefined : 'thumbnails';
}

/** The queue that handles a payload with these kinds. */
export function queueForKinds(kinds: readonly DerivativeKind[]): MediaQueueName {
  const queue = queueOf(kinds);
  if (!queue) throw new MediaError('invalid_payload', 'invalid media job payload: "video" goes alone, on the video queue');
  return queue;
}

/** Refuses (`invalid_payload`) a payload that arrived on a queue other than its own. */
export function assertPayloadOnQueue(queue: string, payload: MediaJobPayload): void {
  const own = queueForKinds(payload.kinds);
  if (own !== queue) throw new MediaError('invalid_payload', `invalid media job payload: kinds [${payload.kinds.join(', ')}] belong on "${own}", not "${queue}"`);
}

/**
 * The job id: asset, kinds and content hash (`<assetId>-<kinds>-<hash>`, kinds joined by `+`, or
 * `metadata`), never a `:`. Re-adding an id that is waiting or running is a no-op; completed jobs are
 * removed, so re-adding after the cache was cleared rebuilds.
 */
export function mediaJobId(payload: Pick<MediaJobPayload, 'assetId' | 'kinds' | 'contentHash'>): string {
  const kinds = payload.kinds.length === 0 ? 'metadata' : [...payload.kinds].sort().join('+');
  return `${payload.assetId}-${kinds}-${payload.contentHash}`;
}

/** The BullMQ key prefix of a node's queues: `atrium-<node>`; throws a RangeError for a bad name. */
export function queuePrefix(nodeName: string): string {
  if (!NODE_NAME_PATTERN.test(nodeName)) throw new RangeError(`node name "${nodeName}" must be letters, digits, "_" or "-" (at most 63)`);
  return `atrium-${nodeName}`;
}
