// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f\\]/;

/**
 * A path on this instance to return to after signing in: only a local absolute path, never
 * `//host` or `/\host` (which browsers read as another origin); anything else becomes `/`.
 * Checked again after parsing: removing dot segments turns `/.//host` into `//host`.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048 || !value.startsWith('/')) return '/';
  if (value.startsWith('//') || CONTROL.test(value)) return '/';
  const parsed = new URL(value, 'http://instance.invalid');
  if (parsed.origin !== 'http://instance.invalid' || parsed.pathname.startsWith('//')) return '/';
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
