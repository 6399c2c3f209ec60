import type { GpsPosition } from './types.js';

/** A position only when both coordinates are finite, in range, and not the 0,0 "no fix" default. */
export function validPosition(latitude: number, longitude: number, altitude: number | null): GpsPosition | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  if (latitude === 0 && longitude === 0) return null;
  return { latitude: round(latitude, 7), longitude: round(longitude, 7), altitude: altitude !== null && Number.isFinite(altitude) ? round(altitude, 2) : null };
}

/** EXIF degrees/minutes/seconds (`[48, 51, 30.24]` or a number) with its `N`/`S`/`E`/`W` reference. */
export function exifCoordinate(value: unknown, ref: unknown): number | null {
  const parts = Array.isArray(value) ? value.map(Number) : typeof value === 'number' ? [value] : [];
  if (parts.length === 0 || parts.length > 3 || parts.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const [d = 0, m = 0, s = 0] = parts;
  const sign = typeof ref === 'string' && /^[SW]/i.test(ref.trim()) ? -1 : 1;
  return sign * (d + m / 60 + s / 3600);
}

/** EXIF altitude with its reference (1, or a byte array holding 1, means below sea level). */
export function exifAltitude(value: unknown, ref: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const below = ref === 1 || (ArrayBuffer.isView(ref) && (ref as Uint8Array)[0] === 1);
  return below ? -value : value;
}

const ISO6709 = /^([+-])(\d+(?:\.\d*)?)([+-])(\d+(?:\.\d*)?)(?:([+-]\d+(?:\.\d*)?))?(?:CRS[^/]*)?\/?$/;

/**
 * Parses an ISO 6709 point (`+48.8584+002.2945+035.000/`, as phones write in QuickTime `location`):
 * degrees, degrees-minutes or degrees-minutes-seconds, told apart by their digit count.
 */
export function parseIso6709(value: unknown): GpsPosition | null {
  if (typeof value !== 'string') return null;
  const m = ISO6709.exec(value.trim());
  if (!m) return null;
  const lat = sexagesimal(m[2]!, 2);
  const lon = sexagesimal(m[4]!, 3);
  if (lat === null || lon === null) return null;
  return validPosition(m[1] === '-' ? -lat : lat, m[3] === '-' ? -lon : lon, m[5] !== undefined ? Number(m[5]) : null);
}

/** `DD.D`, `DDMM.M` or `DDMMSS.S` (with `degreeDigits` digits of degrees) as decimal degrees. */
function sexagesimal(text: string, degreeDigits: number): number | null {
  const whole = text.split('.')[0]!.length;
  const n = Number(text);
  if (whole === degreeDigits) return n;
  if (whole === degreeDigits + 2) return Math.trunc(n / 100) + (n % 100) / 60;
  if (whole === degreeDigits + 4) return Math.trunc(n / 10000) + (Math.trunc(n / 100) % 100) / 60 + (n % 100) / 3600;
  return null;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
