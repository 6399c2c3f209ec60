import type { MediaType } from '../detect.js';
import { normalizeOrientation } from '../image/orientation.js';
import { exifAltitude, exifCoordinate, validPosition } from './gps.js';
import { gpsClock, offsetFromGpsClock, parseOffset, parseWallClock, parseZonedTime, takenAtFrom, type TakenAt } from './time.js';
import type { GpsPosition, MediaMetadata } from './types.js';

/** Facts about a photo that come from its file and decoder rather than its tags. */
export interface ImageFacts {
  readonly mime: string;
  readonly mediaType: MediaType;
  readonly fileSize: number;
  /** Displayed size (after orientation), from the decoder's header. */
  readonly width: number | null;
  readonly height: number | null;
  readonly orientation: number | null;
}

/** EXIF tags as exifr returns them with `mergeOutput`, `translateValues: false`, `reviveValues: false`. */
export type ExifTags = Readonly<Record<string, unknown>>;

// Original capture first, then digitization, then the last edit: each with its own offset tag.
const DATE_TAGS = [
  ['DateTimeOriginal', 'SubSecTimeOriginal', 'OffsetTimeOriginal'],
  ['CreateDate', 'SubSecTimeDigitized', 'OffsetTimeDigitized'],
  ['ModifyDate', 'SubSecTime', 'OffsetTime'],
] as const;

/** A photo's {@link MediaMetadata} from its EXIF tags and decoder facts. Pure. */
export function imageMetadataFromExif(tags: ExifTags, facts: ImageFacts): MediaMetadata {
  return {
    mime: facts.mime,
    mediaType: facts.mediaType,
    fileSize: facts.fileSize,
    width: facts.width,
    height: facts.height,
    orientation: facts.orientation ?? normalizeOrientation(tags.Orientation),
    ...(exifTakenAt(tags) ?? { takenAt: null, takenAtLocal: null, timeZone: null }),
    make: text(tags.Make),
    model: text(tags.Model),
    lens: text(tags.LensModel) ?? text(tags.Lens),
    gps: exifGps(tags),
    durationMs: null,
    fNumber: positive(tags.FNumber),
    exposureTime: positive(tags.ExposureTime),
    iso: positive(Array.isArray(tags.ISO) ? tags.ISO[0] : tags.ISO),
    focalLength: positive(tags.FocalLength),
    video: null,
  };
}

/**
 * The capture time: the first date tag present, with its own offset tag, else the offset the GPS
 * clock implies, else no zone. A date written with its zone (XMP style) carries its own.
 */
export function exifTakenAt(tags: ExifTags): TakenAt | null {
  for (const [dateTag, subSecTag, offsetTag] of DATE_TAGS) {
    const zoned = parseZonedTime(tags[dateTag]);
    if (zoned) return takenAtFrom(zoned.local, zoned.offsetMinutes);
    const local = parseWallClock(tags[dateTag], tags[subSecTag]);
    if (!local) continue;
    const gps = gpsClock(tags.GPSDateStamp, tags.GPSTimeStamp);
    return takenAtFrom(local, parseOffset(tags[offsetTag]) ?? (gps ? offsetFromGpsClock(local, gps) : null));
  }
  return null;
}

/** The EXIF GPS position, or null without a usable fix. */
export function exifGps(tags: ExifTags): GpsPosition | null {
  const latitude = exifCoordinate(tags.GPSLatitude, tags.GPSLatitudeRef);
  const longitude = exifCoordinate(tags.GPSLongitude, tags.GPSLongitudeRef);
  if (latitude === null || longitude === null) return null;
  return validPosition(latitude, longitude, exifAltitude(tags.GPSAltitude, tags.GPSAltitudeRef));
}

/** A trimmed string without NUL padding, or null when empty or not a string. */
export function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = value.replace(/\0/g, '').trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : null;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}
