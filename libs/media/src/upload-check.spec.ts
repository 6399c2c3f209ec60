import { describe, expect, it } from 'vitest';
import type { DetectedType } from './detect.js';
import { extensionMatchesType } from './upload-check.js';

const type = (ext: string, mediaType: 'image' | 'video' = 'image'): DetectedType => ({
  ext,
  mime: `x/${ext}`,
  mediaType,
  decoder: mediaType === 'image' ? 'sharp' : 'ffmpeg',
});

describe('extensionMatchesType', () => {
  it.each([
    ['a.jpg', 'jpg'],
    ['a.JPEG', 'jpg'],
    ['a.jpe', 'jpg'],
    ['a.tiff', 'tif'],
    ['a.dng', 'tif'],
    ['a.nef', 'nef'],
    ['a.heif', 'heic'],
    ['clip.MOV', 'mp4'],
    ['clip.mp4', 'mov'],
    ['noext', 'png'],
  ])('accepts %s for %s', (name, ext) => {
    expect(extensionMatchesType(name, type(ext))).toBe(true);
  });

  it.each([
    ['a.png', 'jpg'],
    ['a.jpg', 'png'],
    ['a.mp4', 'jpg'],
    ['a.txt', 'jpg'],
    ['a.jpg.exe', 'jpg'],
    ['clip.webm', 'mp4'],
  ])('refuses %s for %s', (name, ext) => {
    expect(extensionMatchesType(name, type(ext))).toBe(false);
  });
});
