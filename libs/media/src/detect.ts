import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { MediaError } from './errors.js';

/** Whether an original is shown as a photo or as a video. */
export type MediaType = 'image' | 'video';

/**
 * How the worker decodes a type: `sharp` (libvips as bundled), `raw-preview` (the JPEG a camera
 * embeds in its RAW file), `metadata-only` (HEIC: the bundled libvips has no HEVC decoder), `ffmpeg`.
 */
export type MediaDecoder = 'sharp' | 'raw-preview' | 'metadata-only' | 'ffmpeg';

/** A type detected from the file's content. */
export interface DetectedType {
  readonly mime: string;
  readonly ext: string;
  readonly mediaType: MediaType;
  readonly decoder: MediaDecoder;
}

const DECODERS: Readonly<Record<string, { mediaType: MediaType; decoder: MediaDecoder }>> = {
  ...table('image', 'sharp', ['jpg', 'png', 'webp', 'gif', 'tif', 'avif']),
  ...table('image', 'raw-preview', ['cr2', 'cr3', 'nef', 'arw', 'dng', 'orf', 'rw2', 'raf']),
  ...table('image', 'metadata-only', ['heic']),
  ...table('video', 'ffmpeg', ['mp4', 'mov', 'm4v', '3gp', '3g2', 'mkv', 'webm', 'avi', 'mpg', 'mts', 'asf', 'flv', 'ogv']),
};

function table(mediaType: MediaType, decoder: MediaDecoder, exts: readonly string[]) {
  return Object.fromEntries(exts.map((ext) => [ext, { mediaType, decoder }]));
}

/** The extensions (as file-type names them) that {@link classifyType} accepts. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(DECODERS));

/**
 * Maps file-type's answer to a {@link DetectedType}; throws `unsupported` for anything else
 * (including no answer: text, SVG, garbage).
 */
export function classifyType(found: { ext: string; mime: string } | undefined): DetectedType {
  if (!found) throw new MediaError('unsupported', 'the content is not a recognised image or video');
  const entry = DECODERS[found.ext];
  if (!entry) throw new MediaError('unsupported', `${found.mime} is not a supported image or video type`);
  return { mime: found.mime, ext: found.ext, ...entry };
}

/** Detects the type of the file at `path` from its first bytes, never from its name. */
export async function detectFileType(path: string): Promise<DetectedType> {
  return classifyType(await fileTypeFromFile(path));
}

/** Detects the type of `bytes` from their content. */
export async function detectBufferType(bytes: Uint8Array): Promise<DetectedType> {
  return classifyType(await fileTypeFromBuffer(bytes));
}
