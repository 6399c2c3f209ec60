import { ServerError } from '@atrium/server';

/** Stable codes the instance answers with (OAuth error codes at the back-channel logout endpoint). */
export type InstanceErrorCode =
  | 'ERR_SESSION_REQUIRED'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_CSRF'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_NOT_JOINED'
  | 'ERR_JOIN_FAILED'
  | 'ERR_PORTAL_UNAVAILABLE'
  | 'ERR_AUTH_STATE'
  | 'ERR_AUTH_CALLBACK'
  | 'ERR_LOGOUT_TOKEN'
  | 'ERR_CLAIMS_INVALID'
  | 'ERR_CURSOR_INVALID'
  | 'ERR_FILTER_INVALID'
  | 'ERR_NOT_READY'
  | 'ERR_INDEX_RUNNING'
  | 'ERR_REBUILD_RUNNING'
  | 'ERR_ORIGINALS_UNAVAILABLE'
  | 'ERR_UPLOAD_NAME'
  | 'ERR_UPLOAD_PATH'
  | 'ERR_UPLOAD_EMPTY'
  | 'ERR_UPLOAD_UNSUPPORTED'
  | 'ERR_UPLOAD_TYPE_MISMATCH'
  | 'ERR_UPLOAD_POLYGLOT'
  | 'ERR_UPLOAD_TOO_LARGE'
  | 'ERR_UPLOAD_PIXEL_BOMB'
  | 'ERR_UPLOAD_CORRUPT'
  | 'ERR_UPLOAD_DUPLICATE'
  | 'ERR_UPLOAD_HASH_INVALID'
  | 'ERR_UPLOAD_HASH_MISMATCH'
  | 'ERR_UPLOAD_LENGTH_REQUIRED'
  | 'ERR_UPLOAD_OFFSET'
  | 'ERR_UPLOAD_LOCKED'
  | 'ERR_UPLOADS_UNAVAILABLE'
  | 'ERR_UPLOAD_INVALID'
  | 'ERR_STORAGE_FULL'
  | 'ERR_ZIP_EMPTY'
  | 'ERR_ZIP_TOO_MANY'
  | 'ERR_SETTINGS_INVALID'
  | 'ERR_EDIT_INVALID'
  | 'ERR_ALBUM_INVALID'
  | 'ERR_POLICY_INVALID'
  | 'ERR_COMMENT_INVALID'
  | 'ERR_LINK_INVALID'
  | 'ERR_LINK_UNAVAILABLE'
  | 'ERR_LINK_PASSWORD'
  | 'ERR_LINK_THROTTLED'
  | 'ERR_LINK_NO_DOWNLOAD'
  | 'ERR_WEBDAV_AUTH'
  | 'ERR_WEBDAV_THROTTLED';

/** A refusal with a stable code; the app's filter turns it into JSON with `status`. */
export class InstanceError extends ServerError {
  constructor(code: InstanceErrorCode, message: string, status = 400, details?: Record<string, unknown>) {
    super(code, message, status, details);
  }
}

/** The one answer for a thing that does not exist or that the viewer may not see. */
export function notFoundOrNoAccess(what: string): InstanceError {
  return new InstanceError('ERR_NOT_FOUND', `Not found or no access: ${what}`, 404);
}
