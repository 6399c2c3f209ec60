import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { classifyType, detectBufferType } from './detect.js';
import { MediaError } from './errors.js';

describe('classifyType', () => {
  it.each([
    ['jpg', 'image/jpeg', 'image', 'sharp'],
    ['avif', 'image/avif', 'image', 'sharp'],
    ['cr2', 'image/x-canon-cr2', 'image', 'raw-preview'],
    ['dng', 'image/x-adobe-dng', 'image', 'raw-preview'],
    ['heic', 'image/heic', 'image', 'metadata-only'],
    ['mov', 'video/quicktime', 'video', 'ffmpeg'],
    ['mkv', 'video/matroska', 'video', 'ffmpeg'],
  ])('%s is %s, %s via %s', (ext, mime, mediaType, decoder) => {
    expect(classifyType({ ext, mime })).toEqual({ ext, mime, mediaType, decoder });
  });

  it.each([
    ['pdf', 'application/pdf'],
    ['zip', 'application/zip'],
    ['mp3', 'audio/mpeg'],
    ['psd', 'image/vnd.adobe.photoshop'],
    ['jxl', 'image/jxl'],
  ])('refuses %s as unsupported', (ext, mime) => {
    expect(() => classifyType({ ext, mime })).toThrow(expect.objectContaining({ reason: 'unsupported' }));
  });
});

describe('detectBufferType', () => {
  it('detects from content, whatever the file is called', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer();
    expect((await detectBufferType(png)).mime).toBe('image/png');
  });

  it.each([
    ['text', Buffer.from('hello, this is not a photo')],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['random bytes', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 251))],
    ['nothing', Buffer.alloc(0)],
    ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')],
  ])('refuses %s as unsupported', async (_name, bytes) => {
    const error = await detectBufferType(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toBe('unsupported');
  });
});
