import { MediaError } from '../errors.js';

/**
 * Maps what sharp/libvips throws to a stable reason: the pixel ceiling → `pixel_bomb`, its timeout
 * → `timeout`, an unknown format → `unsupported`, any other decoder complaint → `corrupt`.
 */
export function mediaErrorFromSharp(error: unknown): MediaError {
  if (error instanceof MediaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return new MediaError('pixel_bomb', 'the image has more pixels than allowed', { cause: error });
  if (/timeout/i.test(message)) return new MediaError('timeout', 'decoding the image took too long', { cause: error });
  if (/unsupported image format/i.test(message)) return new MediaError('unsupported', 'the image format cannot be decoded', { cause: error });
  return new MediaError('corrupt', `the image cannot be decoded: ${firstLine(message)}`, { cause: error });
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.slice(0, 200);
}
