import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { MediaError } from '../errors.js';
import type { ResolvedParams } from '../jobs/params.js';
import type { MediaLimits } from '../limits.js';
import { decodeEdge, openOptions, placeholderResize, previewEncoding, shortEdgeResize, thumbWebpOptions } from './image-options.js';
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
  return { format: meta.format ?? 'unknown', orientation, ...orientedSize(meta.width, meta.height, orientation) };
}

/** Which outputs to render and how. */
export interface RenderRequest {
  readonly thumb: boolean;
  readonly preview: boolean;
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
 * Decodes once — oriented, shrunk on load to the larger output, converted to sRGB through its ICC
 * profile — then encodes the tile, the preview and the placeholder from that one decoded copy.
 */
export async function renderImage(source: ImageSource, request: RenderRequest): Promise<RenderedImage> {
  try {
    const decoded = await decode(source, request);
    const { width, height, channels } = decoded.info;
    const base = sharp(decoded.data, { raw: { width, height, channels } });
    const [thumb, preview, placeholder] = await Promise.all([
      request.thumb ? encodeThumb(base.clone(), request.params) : null,
      request.preview ? encodePreview(base.clone(), request.params, channels) : null,
      encodePlaceholder(base.clone()),
    ]);
    return { thumb, preview, placeholder };
  } catch (error) {
    throw mediaErrorFromSharp(error);
  }
}

async function decode(source: ImageSource, request: RenderRequest) {
  const edge = decodeEdge(request.params, request.preview);
  let pipeline = sharp(source.input, openOptions(request.limits)).timeout({ seconds: request.limits.imageTimeoutSeconds });
  pipeline = source.orientation !== undefined ? orient(pipeline, source.orientation) : pipeline.autoOrient();
  return pipeline.resize(shortEdgeResize(edge)).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
}

function orient(pipeline: Sharp, orientation: number | null): Sharp {
  const { flop, rotate } = orientationTransform(orientation);
  return (flop ? pipeline.flop() : pipeline).rotate(rotate);
}

function encodeThumb(pipeline: Sharp, params: ResolvedParams): Promise<Buffer> {
  return pipeline.resize(shortEdgeResize(params.thumbSize)).webp(thumbWebpOptions(params)).toBuffer();
}

function encodePreview(pipeline: Sharp, params: ResolvedParams, channels: number): Promise<Buffer> {
  const sized = pipeline.resize(shortEdgeResize(params.previewSize));
  const encoding = previewEncoding(params);
  if (encoding.format === 'webp') return sized.webp(encoding.options).toBuffer();
  // JPEG has no alpha: lay transparency over white rather than the encoder's black.
  return (channels === 4 ? sized.flatten({ background: '#ffffff' }) : sized).jpeg(encoding.options).toBuffer();
}

async function encodePlaceholder(pipeline: Sharp): Promise<string> {
  const { data, info } = await pipeline.resize(placeholderResize()).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}
