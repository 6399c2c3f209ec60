import type { MediaType } from '../detect.js';

/** A position from EXIF GPS or a QuickTime/ISO 6709 location. */
export interface GpsPosition {
  readonly latitude: number;
  readonly longitude: number;
  /** Metres above sea level, when recorded. */
  readonly altitude: number | null;
}

/** Stream facts of a video. */
export interface VideoFacts {
  readonly videoCodec: string | null;
  readonly audioCodec: string | null;
  readonly frameRate: number | null;
  readonly bitRate: number | null;
  /** Clockwise rotation the player applies (0, 90, 180, 270). */
  readonly rotation: number;
}

/**
 * What the worker reads from an original. Absent facts are `null`, never guessed.
 * Dates: `takenAt` is an instant (ISO 8601, UTC); `takenAtLocal` is the wall clock where it was
 * taken; `timeZone` is that place's offset (`+02:00`) when the file says so (EXIF
 * OffsetTimeOriginal, QuickTime creationdate) or when it follows from the GPS clock. Without a
 * zone, `takenAt` reads the wall clock as UTC (as Immich does) and `timeZone` is `null`.
 */
export interface MediaMetadata {
  readonly mime: string;
  readonly mediaType: MediaType;
  readonly fileSize: number;
  /** Width and height as displayed, after EXIF orientation or video rotation. */
  readonly width: number | null;
  readonly height: number | null;
  /** EXIF orientation 1–8 of a photo; `null` for videos and photos without the tag. */
  readonly orientation: number | null;
  readonly takenAt: string | null;
  readonly takenAtLocal: string | null;
  readonly timeZone: string | null;
  readonly make: string | null;
  readonly model: string | null;
  readonly lens: string | null;
  readonly gps: GpsPosition | null;
  readonly durationMs: number | null;
  readonly fNumber: number | null;
  /** Exposure time in seconds. */
  readonly exposureTime: number | null;
  readonly iso: number | null;
  /** Focal length in millimetres. */
  readonly focalLength: number | null;
  readonly video: VideoFacts | null;
}
