import { ERRORS } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { mapTusError } from './tus-uploads.service.js';

const answer = (error: Parameters<typeof mapTusError>[0]) => {
  const mapped = mapTusError(error);
  return { status: mapped.status_code, code: (JSON.parse(mapped.body) as { error: { code: string } }).error.code };
};

describe('mapTusError', () => {
  it.each([
    [ERRORS.ERR_LOCK_TIMEOUT, 423, 'ERR_UPLOAD_LOCKED'],
    [ERRORS.INVALID_OFFSET, 409, 'ERR_UPLOAD_OFFSET'],
    [ERRORS.FILE_NOT_FOUND, 404, 'ERR_NOT_FOUND'],
    [ERRORS.ERR_SIZE_EXCEEDED, 413, 'ERR_UPLOAD_TOO_LARGE'],
    [Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), 507, 'ERR_STORAGE_FULL'],
  ])('answers %o as %i %s', (error, status, code) => {
    expect(answer(error)).toEqual({ status, code });
  });

  it('never shows the text of a server-side failure', () => {
    const mapped = mapTusError(ERRORS.FILE_WRITE_ERROR);
    expect(mapped.status_code).toBe(500);
    expect(JSON.parse(mapped.body)).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal server error' } });
  });
});
