import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, checkDerivativeSettings, nonDefaultParams } from './params.js';

describe('checkDerivativeSettings', () => {
  it('accepts every field in range, defaults included', () => {
    expect(checkDerivativeSettings({ ...DEFAULT_PARAMS }, 'derivatives')).toEqual({ ok: true, params: DEFAULT_PARAMS });
    expect(checkDerivativeSettings({ thumbSize: 32, previewSize: 4096, videoCrf: 0, videoPreset: 'veryslow', previewFormat: 'webp' })).toMatchObject({ ok: true });
    expect(checkDerivativeSettings({})).toEqual({ ok: true, params: {} });
  });

  it.each([
    ['an unknown field', { size: 3 }, 'derivatives.size', 'is not a known field'],
    ['a size too small', { thumbSize: 31 }, 'derivatives.thumbSize', 'must be an integer from 32 to 1024'],
    ['a size too large', { previewSize: 4097 }, 'derivatives.previewSize', 'must be an integer from 256 to 4096'],
    ['a fraction', { thumbQuality: 80.5 }, 'derivatives.thumbQuality', 'must be an integer from 1 to 100'],
    ['a number as text', { videoCrf: '23' }, 'derivatives.videoCrf', 'must be an integer from 0 to 51'],
    ['a CRF past 51', { videoCrf: 52 }, 'derivatives.videoCrf', 'must be an integer from 0 to 51'],
    ['null', { videoSize: null }, 'derivatives.videoSize', 'must be an integer from 144 to 2160'],
    ['a bad format', { previewFormat: 'png' }, 'derivatives.previewFormat', 'must be one of jpeg, webp'],
    ['a bad preset', { videoPreset: 'placebo' }, 'derivatives.videoPreset', expect.stringContaining('must be one of ultrafast')],
    ['not an object', [], 'derivatives', 'must be an object'],
    ['a string', 'big', 'derivatives', 'must be an object'],
  ])('refuses %s, naming the field', (_what, value, field, problem) => {
    const result = checkDerivativeSettings(value, 'derivatives');
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.problems).toEqual({ [field]: problem });
  });

  it('refuses an object whose prototype was set from the input', () => {
    const polluted = Object.create({ thumbSize: 64 }) as object;
    expect(checkDerivativeSettings(polluted, 'derivatives')).toEqual({ ok: false, problems: { 'derivatives.__proto__': 'is not a known field' } });
    expect(checkDerivativeSettings(JSON.parse('{"__proto__":{"thumbSize":64}}'), 'derivatives')).toEqual({
      ok: false,
      problems: { 'derivatives.__proto__': 'is not a known field' },
    });
    expect(checkDerivativeSettings(Object.assign(Object.create(null), { thumbSize: 64 }) as object)).toMatchObject({ ok: true });
  });

  it('names every bad field at once', () => {
    const result = checkDerivativeSettings({ thumbSize: 0, previewQuality: 101, extra: 1 }, 'derivatives');
    expect(result.ok === false && Object.keys(result.problems).sort()).toEqual(['derivatives.extra', 'derivatives.previewQuality', 'derivatives.thumbSize']);
  });
});

describe('nonDefaultParams', () => {
  it('keeps only what differs from the defaults', () => {
    expect(nonDefaultParams({ ...DEFAULT_PARAMS })).toEqual({});
    expect(nonDefaultParams({})).toEqual({});
    expect(nonDefaultParams({ thumbSize: 250, previewSize: 2048, previewFormat: 'webp' })).toEqual({ previewSize: 2048, previewFormat: 'webp' });
  });
});
