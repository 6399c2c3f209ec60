/** What to send for a `Range` header (RFC 9110 §14). */
export type RangeDecision =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/i;
// More digits than any file size could need: such a position lies past the end of every file.
const MAX_DIGITS = 15;

function position(digits: string): number {
  return digits.length > MAX_DIGITS ? Number.MAX_SAFE_INTEGER : Number(digits);
}

/**
 * Decides a request's byte range for a file of `size` bytes. One range is served; a header that is
 * malformed, names another unit or several ranges is ignored (the whole file is sent, as RFC 9110
 * allows); a range that starts past the end is unsatisfiable (416).
 */
export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const match = SINGLE.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = position(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = position(first);
  const end = last === '' ? size - 1 : position(last);
  if (end < start && last !== '') return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * Does an `If-None-Match` header match `etag` (RFC 9110 §13.1.2)? `*` matches any file; otherwise
 * the header is a comma-separated list of entity tags compared weakly (`W/` ignored on both sides).
 * Anything malformed matches nothing, so the file is sent.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => opaque(tag) === wanted);
}
