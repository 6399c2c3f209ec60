/** The mirroring and rotation that display an EXIF orientation, in sharp's order: mirror, then rotate. */
export interface OrientationTransform {
  /** Mirror left–right first. */
  readonly flop: boolean;
  /** Then rotate clockwise by this many degrees. */
  readonly rotate: 0 | 90 | 180 | 270;
}

const TRANSFORMS: Readonly<Record<number, OrientationTransform>> = {
  1: { rotate: 0, flop: false },
  2: { rotate: 0, flop: true },
  3: { rotate: 180, flop: false },
  4: { rotate: 180, flop: true },
  5: { rotate: 270, flop: true },
  6: { rotate: 90, flop: false },
  7: { rotate: 90, flop: true },
  8: { rotate: 270, flop: false },
};

/** The EXIF orientation (1–8) as a number, or null for anything else. */
export function normalizeOrientation(value: unknown): number | null {
  const n = typeof value === 'string' ? Number.parseInt(value, 10) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 8 ? n : null;
}

/** How to display an image stored with EXIF `orientation` (unknown values display as stored). */
export function orientationTransform(orientation: number | null | undefined): OrientationTransform {
  return TRANSFORMS[orientation ?? 1] ?? TRANSFORMS[1]!;
}

/** Width and height as displayed: orientations 5–8 swap them. */
export function orientedSize(width: number, height: number, orientation: number | null | undefined): { width: number; height: number } {
  return orientationTransform(orientation).rotate % 180 === 90 ? { width: height, height: width } : { width, height };
}
