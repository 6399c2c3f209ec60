import { readFile } from 'node:fs/promises';
import type { DetectedType } from '../detect.js';
import { MediaError } from '../errors.js';
import { largestEmbeddedJpeg } from '../image/raw-preview.js';
import { normalizeOrientation, orientedSize } from '../image/orientation.js';
import { readImageHeader, renderImage, type ImageSource } from '../image/render.js';
import type { ResolvedParams } from '../jobs/params.js';
import type { MediaLimits } from '../limits.js';
import { imageMetadataFromExif, type ExifTags } from '../metadata/exif-metadata.js';
import { readExifTags } from '../metadata/read-exif.js';
import type { MediaMetadata } from '../metadata/types.js';
import type { DerivativeKind, ResolvedOriginal } from '../paths.js';
import type { MediaJobOutcome } from './context.js';
import type { DerivativeOutputs } from './outputs.js';

/** A photo's metadata: EXIF/XMP tags, and the displayed size from the decoder's header. */
export async function imageMetadata(original: ResolvedOriginal, type: DetectedType, limits: MediaLimits): Promise<MediaMetadata> {
  const tags = await readExifTags(original.path);
  const size = type.decoder === 'sharp' ? await readImageHeader({ input: original.path }, limits, false) : exifSize(tags);
  const facts = { mime: type.mime, mediaType: type.mediaType, fileSize: original.size };
  return imageMetadataFromExif(tags, { ...facts, width: size?.width ?? null, height: size?.height ?? null, orientation: size?.orientation ?? null });
}

/** The size a RAW or HEIC file states in its EXIF, oriented; undefined when it states none. */
function exifSize(tags: ExifTags): { width: number; height: number; orientation: number | null } | undefined {
  const width = Number(tags.ExifImageWidth ?? tags.ImageWidth);
  const height = Number(tags.ExifImageHeight ?? tags.ImageHeight);
  const orientation = normalizeOrientation(tags.Orientation);
  if (!(width > 0 && height > 0)) return undefined;
  return { ...orientedSize(width, height, orientation), orientation };
}

/** Renders the tile, the preview and the placeholder of a photo, and writes them into place. */
export async function imageThumbnails(
  original: ResolvedOriginal,
  type: DetectedType,
  kinds: readonly DerivativeKind[],
  params: ResolvedParams,
  limits: MediaLimits,
  outputs: DerivativeOutputs,
): Promise<Pick<MediaJobOutcome, 'outputs' | 'placeholder' | 'width' | 'height'>> {
  if (kinds.includes('poster')) throw new MediaError('unsupported', 'a poster frame is made for videos only');
  const source = await imageSource(original, type);
  return renderInto(source, kinds, params, limits, outputs);
}

/** Renders `source` into the requested outputs (shared by photos and video poster frames). */
export async function renderInto(
  source: ImageSource,
  kinds: readonly DerivativeKind[],
  params: ResolvedParams,
  limits: MediaLimits,
  outputs: DerivativeOutputs,
): Promise<Pick<MediaJobOutcome, 'outputs' | 'placeholder' | 'width' | 'height'>> {
  const header = await readImageHeader(source, limits);
  const rendered = await renderImage(source, { thumb: kinds.includes('thumb'), preview: kinds.includes('preview'), hasAlpha: header.hasAlpha, params, limits });
  const written: Partial<Record<DerivativeKind, string>> = {};
  if (rendered.thumb) written.thumb = await outputs.write('thumb', rendered.thumb);
  if (rendered.preview) written.preview = await outputs.write('preview', rendered.preview);
  return { outputs: written, placeholder: rendered.placeholder, width: header.width, height: header.height };
}

/**
 * What to decode for a photo: the file itself, or a RAW's largest embedded JPEG displayed with the
 * RAW's orientation (the preview often lacks its own). HEIC is refused: the bundled libvips has no
 * HEVC decoder.
 */
async function imageSource(original: ResolvedOriginal, type: DetectedType): Promise<ImageSource> {
  if (type.decoder === 'sharp') return { input: original.path };
  if (type.decoder === 'metadata-only') throw new MediaError('unsupported', `${type.mime} cannot be decoded by the bundled libvips`);
  const bytes = await readFile(original.path);
  const preview = largestEmbeddedJpeg(bytes);
  if (!preview) throw new MediaError('unsupported', 'the RAW file carries no embedded preview');
  const tags = await readExifTags(bytes);
  return { input: Buffer.from(preview), orientation: normalizeOrientation(tags.Orientation) };
}
