import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { MediaError } from '../errors.js';
import type { ResolvedParams } from '../jobs/params.js';
import type { MediaLimits } from '../limits.js';
import { openOptions, placeholderResize, previewEncoding, shortEdgeResize, thumbWebpOptions } from './image-options.js';
import { normalizeOrientation, orientationTransform, orientedSize } from './orientation.js';
import { mediaErrorFromSharp } from './sharp-errors.js';

// libvips' operation cache keeps decoded images alive between jobs; a worker sees each file once.
sharp.cache(false);

/** An image to render: a path or bytes, and (for RAW previews) the orientation to apply instead of its own. */
export interface ImageSource {
  readonly input: string | Buffer;
  /** When set, applied instead of the input's own EXIF orientation. */
  readonly orientation?: number | null;
}

/** What the header says, read without decoding pixels. */
export interface ImageHeader {
  readonly format: string;
  /** Displayed size, after orientation. */
  readonly width: number;
  readonly height: number;
  readonly orientation: number | null;
  readonly hasAlpha: boolean;
}

/**
 * Reads an image's header and, unless `checkPixels` is false, refuses it (`pixel_bomb`) when its
 * pixel count passes the limit, before any pixel is decoded.
 */
export async function readImageHeader(source: ImageSource, limits: MediaLimits, checkPixels = true): Promise<ImageHeader> {
  const meta = await sharp(source.input, { ...openOptions(limits), limitInputPixels: false }).metadata().catch((error: unknown) => {
    throw mediaErrorFromSharp(error);
  });
  if (!meta.width || !meta.height) throw new MediaError('corrupt', 'the image has no dimensions');
  if (checkPixels && meta.width * meta.height > limits.maxInputPixels) {
    throw new MediaError('pixel_bomb', `the image has ${meta.width}×${meta.height} pixels, more than ${limits.maxInputPixels}`);
  }
  const orientation = source.orientation !== undefined ? normalizeOrientation(source.orientation) : normalizeOrientation(meta.orientation);
  return { format: meta.format ?? 'unknown', orientation, hasAlpha: meta.hasAlpha ?? false, ...orientedSize(meta.width, meta.height, orientation) };
}

/** Which outputs to render and how. */
export interface RenderRequest {
  readonly thumb: boolean;
  readonly preview: boolean;
  /** From the header: a JPEG preview would lose the transparency the tile keeps. */
  readonly hasAlpha: boolean;
  readonly params: ResolvedParams;
  readonly limits: MediaLimits;
}

/** Encoded outputs and the placeholder (thumbhash, base64) of one image. */
export interface RenderedImage {
  readonly thumb: Buffer | null;
  readonly preview: Buffer | null;
  readonly placeholder: string;
}

/**
 * Decodes the original once — oriented, shrunk on load to the preview's size, converted to sRGB
 * through its ICC profile — and encodes the preview; the tile and the placeholder are then made
 * from that preview (a decode of a ~1/30 the work), not from the original again. Without a
 * preview, or when a JPEG preview would flatten transparency, the tile comes from the original.
 */
export async function renderImage(source: ImageSource, request: RenderRequest): Promise<RenderedImage> {
  try {
    const preview = request.preview ? await encodePreview(open(source, request.limits), request.params, request.hasAlpha) : null;
    const tileFromPreview = preview !== null && !(request.hasAlpha && request.params.previewFormat === 'jpeg');
    const tileSource = tileFromPreview ? sharp(preview, openOptions(request.limits)) : open(source, request.limits);
    const { data, info } = await tileSource.resize(shortEdgeResize(request.params.thumbSize)).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const tile = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    const [thumb, placeholder] = await Promise.all([
      request.thumb ? tile.clone().webp(thumbWebpOptions(request.params)).toBuffer() : null,
      encodePlaceholder(tile.clone()),
    ]);
    return { thumb, preview, placeholder };
  } catch (error) {
    throw mediaErrorFromSharp(error);
  }
}

/** The original, opened under the limits and its timeout, displayed upright. */
function open(source: ImageSource, limits: MediaLimits): Sharp {
  const pipeline = sharp(source.input, openOptions(limits)).timeout({ seconds: limits.imageTimeoutSeconds });
  if (source.orientation === undefined) return pipeline.autoOrient();
  const { flop, rotate } = orientationTransform(source.orientation);
  return (flop ? pipeline.flop() : pipeline).rotate(rotate);
}

function encodePreview(pipeline: Sharp, params: ResolvedParams, hasAlpha: boolean): Promise<Buffer> {
  // The first resize after opening lets libvips shrink JPEG and WebP while decoding.
  const sized = pipeline.resize(shortEdgeResize(params.previewSize)).toColourspace('srgb');
  const encoding = previewEncoding(params);
  if (encoding.format === 'webp') return sized.webp(encoding.options).toBuffer();
  // JPEG has no alpha: lay transparency over white rather than the encoder's black.
  return (hasAlpha ? sized.flatten({ background: '#ffffff' }) : sized).jpeg(encoding.options).toBuffer();
}

async function encodePlaceholder(pipeline: Sharp): Promise<string> {
  const { data, info } = await pipeline.resize(placeholderResize()).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}
