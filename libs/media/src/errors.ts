/**
 * Why a media job was refused or failed. Stable: the instance stores it and shows it to its admin.
 * - `invalid_payload`: the job payload does not match the schema.
 * - `forbidden_path`: relPath escapes the originals root (`..`, absolute, NUL, a symlink out).
 * - `missing`: the original is gone. `not_a_file`: it is a directory, FIFO or device.
 * - `stale`: the original's content no longer matches the job's contentHash.
 * - `unsupported`: a type the worker does not handle (detected from content, never the name).
 * - `corrupt`: the decoder refused the content. `too_large`: over the byte limit.
 * - `pixel_bomb`: over the pixel limit. `timeout`: the decoder or ffmpeg ran past its time.
 * - `internal`: anything else, after the retries ran out.
 * - `empty`: a zero-byte file. `polyglot`: content that is two formats at once (a JPEG with a ZIP
 *   archive appended), refused at upload.
 */
export const MEDIA_FAILURE_REASONS = [
  'invalid_payload',
  'forbidden_path',
  'missing',
  'not_a_file',
  'stale',
  'unsupported',
  'corrupt',
  'too_large',
  'pixel_bomb',
  'timeout',
  'internal',
  'empty',
  'polyglot',
] as const;

/** A stable reason code for a refused or failed media job. */
export type MediaFailureReason = (typeof MEDIA_FAILURE_REASONS)[number];

/** The `code` of a {@link MediaError}: `ERR_MEDIA_` and the reason in capitals. */
export type MediaErrorCode = `ERR_MEDIA_${Uppercase<MediaFailureReason>}`;

/**
 * A refusal or failure that retrying cannot fix (the content or the payload is at fault).
 * Callers switch on `reason` (or `code`), never on the message.
 */
export class MediaError extends Error {
  readonly code: MediaErrorCode;

  constructor(
    readonly reason: MediaFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MediaError';
    this.code = `ERR_MEDIA_${reason.toUpperCase() as Uppercase<MediaFailureReason>}`;
  }
}

/** True for a {@link MediaError}, optionally of the given reason. */
export function isMediaError(error: unknown, reason?: MediaFailureReason): error is MediaError {
  return error instanceof MediaError && (reason === undefined || error.reason === reason);
}

/** True when `value` is one of {@link MEDIA_FAILURE_REASONS}. */
export function isMediaFailureReason(value: unknown): value is MediaFailureReason {
  return typeof value === 'string' && (MEDIA_FAILURE_REASONS as readonly string[]).includes(value);
}
