import { displaySize, type VideoProbe } from '../video/probe-parse.js';
import { text } from './exif-metadata.js';
import { parseIso6709 } from './gps.js';
import { parseWallClock, parseZonedTime, takenAtFrom, type TakenAt } from './time.js';
import type { MediaMetadata } from './types.js';

// Where phones put things: Apple's QuickTime keys, Android's, then generic ones.
const LOCATION_TAGS = ['com.apple.quicktime.location.iso6709', 'location', 'location-eng'];
const MAKE_TAGS = ['com.apple.quicktime.make', 'com.android.manufacturer', 'make'];
const MODEL_TAGS = ['com.apple.quicktime.model', 'com.android.model', 'model'];

/** A video's {@link MediaMetadata} from its probe. Pure. */
export function videoMetadataFromProbe(probe: VideoProbe, facts: { mime: string; fileSize: number }): MediaMetadata {
  const { width, height } = displaySize(probe);
  return {
    mime: facts.mime,
    mediaType: 'video',
    fileSize: facts.fileSize,
    width,
    height,
    orientation: null,
    ...(videoTakenAt(probe.tags) ?? { takenAt: null, takenAtLocal: null, timeZone: null }),
    make: first(probe.tags, MAKE_TAGS),
    model: first(probe.tags, MODEL_TAGS),
    lens: null,
    gps: LOCATION_TAGS.map((k) => parseIso6709(probe.tags[k])).find((p) => p !== null) ?? null,
    durationMs: probe.durationMs,
    fNumber: null,
    exposureTime: null,
    iso: null,
    focalLength: null,
    video: {
      videoCodec: probe.video.codec,
      audioCodec: probe.audio?.codec ?? null,
      frameRate: probe.video.frameRate,
      bitRate: probe.bitRate,
      rotation: probe.video.rotation,
    },
  };
}

/**
 * Apple's `creationdate` carries the local time and its zone; `creation_time` is UTC only, so
 * without the former the zone stays unknown and the wall clock is the UTC one.
 */
export function videoTakenAt(tags: Readonly<Record<string, string>>): TakenAt | null {
  const zoned = parseZonedTime(tags['com.apple.quicktime.creationdate']);
  if (zoned) return takenAtFrom(zoned.local, zoned.offsetMinutes);
  const utc = parseZonedTime(tags.creation_time);
  const local = utc ? takenAtFrom(utc.local, utc.offsetMinutes).takenAt.slice(0, 23) : parseWallClock(tags.creation_time);
  return local && !isEpochPlaceholder(local) ? takenAtFrom(local, null) : null;
}

/** Muxers write the epoch of their clock (1904 for QuickTime, 1970 for Unix) when they know no date. */
function isEpochPlaceholder(local: string): boolean {
  return local.startsWith('1904-01-01T00:00:00') || local.startsWith('1970-01-01T00:00:00');
}

function first(tags: Readonly<Record<string, string>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = text(tags[key]);
    if (value) return value;
  }
  return null;
}
