/** A moment as the metadata fields of {@link MediaMetadata} carry it. */
export interface TakenAt {
  readonly takenAt: string;
  readonly takenAtLocal: string;
  readonly timeZone: string | null;
}

const EXIF_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;
const OFFSET = /^(?:Z|([+-])(\d{2}):?(\d{2}))$/;
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * Parses an EXIF or QuickTime wall-clock time (`2024:05:01 12:34:56`, `2024-05-01T12:34:56.5`) into
 * `YYYY-MM-DDTHH:mm:ss.sss`; null for blank, zeroed (`0000:00:00 …`) or impossible values.
 * `subSeconds` is EXIF SubSecTimeOriginal (digits after the decimal point).
 */
export function parseWallClock(value: unknown, subSeconds?: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = EXIF_DATE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const fraction = (frac ?? (typeof subSeconds === 'string' || typeof subSeconds === 'number' ? String(subSeconds).trim() : '')).replace(/\D/g, '');
  const ms = fraction ? fraction.padEnd(3, '0').slice(0, 3) : '000';
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}`;
  const check = new Date(`${local}Z`);
  // Date rolls 2024-02-30 over into March; a round trip catches impossible dates and year 0000.
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 23) !== local || Number(y) < 1800) return null;
  return local;
}

/** Parses `+02:00`, `-0530` or `Z` into minutes east of UTC; null otherwise or beyond ±14 h. */
export function parseOffset(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = OFFSET.exec(value.trim());
  if (!m) return null;
  if (!m[1]) return 0;
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return Math.abs(minutes) <= MAX_OFFSET_MINUTES && Number(m[3]) < 60 ? minutes : null;
}

/** Minutes east of UTC as `+02:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A wall clock with its offset (or none: read as UTC) as {@link TakenAt}. */
export function takenAtFrom(local: string, offsetMinutes: number | null): TakenAt {
  const utc = new Date(`${local}Z`).getTime() - (offsetMinutes ?? 0) * 60_000;
  return { takenAt: new Date(utc).toISOString(), takenAtLocal: local, timeZone: offsetMinutes === null ? null : formatOffset(offsetMinutes) };
}

/**
 * The offset implied by a camera's wall clock and the GPS clock (UTC) of the same shot, rounded to
 * the quarter hour; null when the two are more than 14 h apart (a wrong clock, not a zone).
 */
export function offsetFromGpsClock(local: string, gpsUtc: string): number | null {
  const diff = (new Date(`${local}Z`).getTime() - new Date(`${gpsUtc}Z`).getTime()) / 60_000;
  if (!Number.isFinite(diff)) return null;
  const rounded = Math.round(diff / 15) * 15;
  if (Math.abs(rounded) > MAX_OFFSET_MINUTES) return null;
  return rounded === 0 ? 0 : rounded;
}

/** EXIF GPSDateStamp (`2024:05:01`) and GPSTimeStamp (`[10, 34, 56]` or `10:34:56`) as a UTC wall clock. */
export function gpsClock(dateStamp: unknown, timeStamp: unknown): string | null {
  const parts = Array.isArray(timeStamp)
    ? timeStamp.map(Number)
    : typeof timeStamp === 'string'
      ? timeStamp.split(':').map(Number)
      : [];
  if (typeof dateStamp !== 'string' || parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [h, m, s] = parts as [number, number, number];
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  return parseWallClock(`${dateStamp.trim()} ${pad(h)}:${pad(m)}:${pad(s)}`);
}

/**
 * Parses an instant with an explicit zone (`2024-05-01T12:34:56+0200`, `…Z`, as QuickTime writes):
 * the wall clock there and its offset; null when there is no zone or no valid date.
 */
export function parseZonedTime(value: unknown): { local: string; offsetMinutes: number } | null {
  if (typeof value !== 'string') return null;
  const m = /^(.*?\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (!m) return null;
  const local = parseWallClock(m[1]);
  const offsetMinutes = parseOffset(m[2]);
  return local && offsetMinutes !== null ? { local, offsetMinutes } : null;
}
