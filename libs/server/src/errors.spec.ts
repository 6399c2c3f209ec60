import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ServerError, forbidden, notFound, toErrorResponse, unauthorized } from './errors.js';

describe('toErrorResponse', () => {
  it('keeps the stable code and message of client errors', () => {
    expect(toErrorResponse(new ServerError('ERR_ALBUM_LOCKED', 'Album is locked', 409, { albumId: 'a1' }))).toEqual({
      status: 409,
      body: { error: { code: 'ERR_ALBUM_LOCKED', message: 'Album is locked', details: { albumId: 'a1' } } },
    });
  });

  it('never reveals the message or details of a server error', () => {
    const { status, body } = toErrorResponse(new ServerError('ERR_DB', 'password authentication failed for atrium', 503, { host: 'db' }));
    expect(status).toBe(503);
    expect(body).toEqual({ error: { code: 'ERR_DB', message: 'Internal server error' } });
    expect(toErrorResponse(new Error('secret path /var/lib'))).toEqual({ status: 500, body: { error: { code: 'ERR_INTERNAL', message: 'Internal server error' } } });
    expect(toErrorResponse('a string')).toMatchObject({ status: 500 });
  });

  it('maps Nest HTTP exceptions to codes, joining validation messages', () => {
    expect(toErrorResponse(new NotFoundException())).toMatchObject({ status: 404, body: { error: { code: 'ERR_NOT_FOUND' } } });
    expect(toErrorResponse(new ForbiddenException())).toMatchObject({ status: 403, body: { error: { code: 'ERR_FORBIDDEN' } } });
    const validation = new BadRequestException(['name must be a string', 'property x should not exist']);
    expect(toErrorResponse(validation).body.error).toEqual({ code: 'ERR_BAD_REQUEST', message: 'name must be a string; property x should not exist' });
    expect(toErrorResponse(new HttpException('teapot', 418)).body.error).toEqual({ code: 'ERR_HTTP', message: 'teapot' });
    expect(toErrorResponse(new HttpException('boom', 502)).body.error).toEqual({ code: 'ERR_INTERNAL', message: 'Internal server error' });
  });

  it('offers helpers whose refusals do not reveal existence', () => {
    expect(notFound('album').message).toBe('Not found or no access: album');
    expect(notFound().status).toBe(404);
    expect(forbidden().status).toBe(403);
    expect(unauthorized().code).toBe('ERR_UNAUTHORIZED');
    expect(new ServerError('X', 'y').expose).toBe(true);
  });
});
