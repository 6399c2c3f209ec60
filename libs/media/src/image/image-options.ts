import type { FailOnOptions, JpegOptions, ResizeOptions, SharpOptions, WebpOptions } from 'sharp';
import type { ResolvedParams } from '../jobs/params.js';
import type { MediaLimits } from '../limits.js';

/** Longest edge of the image thumbhash encodes (its own limit is 100 px). */
export const PLACEHOLDER_SIZE = 100;

/**
 * Options for opening an original: libvips' pixel ceiling as a second guard behind the header check;
 * `truncated` refuses cut-off files yet accepts the harmless warnings phones and editors cause.
 */
export function openOptions(limits: MediaLimits): SharpOptions {
  const failOn: FailOnOptions = 'truncated';
  return { limitInputPixels: limits.maxInputPixels, failOn };
}

/**
 * A resize making the shorter edge `edge` (Immich's rule), never enlarging. As the first resize
 * after opening, it lets libvips shrink JPEG and WebP while decoding (shrink-on-load).
 */
export function shortEdgeResize(edge: number): ResizeOptions {
  return { width: edge, height: edge, fit: 'outside', withoutEnlargement: true };
}

/** A resize fitting the longest edge in {@link PLACEHOLDER_SIZE}, for thumbhash. */
export function placeholderResize(): ResizeOptions {
  return { width: PLACEHOLDER_SIZE, height: PLACEHOLDER_SIZE, fit: 'inside' };
}

/** WebP settings of the tile. */
export function thumbWebpOptions(params: ResolvedParams): WebpOptions {
  return { quality: params.thumbQuality, effort: 4 };
}

/** Encoder and settings of the preview; JPEG keeps full chroma only at very high quality. */
export function previewEncoding(params: ResolvedParams): { format: 'jpeg'; options: JpegOptions } | { format: 'webp'; options: WebpOptions } {
  if (params.previewFormat === 'webp') return { format: 'webp', options: { quality: params.previewQuality, effort: 4 } };
  return { format: 'jpeg', options: { quality: params.previewQuality, chromaSubsampling: params.previewQuality >= 90 ? '4:4:4' : '4:2:0' } };
}
