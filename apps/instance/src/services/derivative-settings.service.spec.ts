import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS, type DerivativeParams } from '@atrium/media';
import type { DerivativeSettingsRepository } from '../repositories/derivative-settings.repository.js';
import { DerivativeSettingsService, SETTINGS_TTL_MS } from './derivative-settings.service.js';

// The settings cache, with the settings store as a small stand-in that counts reads and can hold
// one back: read once per TTL, cleared by a save here, never refilled by a read older than a save.
function store(initial: DerivativeParams = {}) {
  let stored = initial;
  let hold: Promise<void> | undefined;
  const calls = { loads: 0, saves: 0 };
  const repository = {
    load: async () => {
      calls.loads++;
      const value = stored;
      await hold;
      return value;
    },
    save: (params: DerivativeParams) => {
      calls.saves++;
      stored = params;
      return Promise.resolve();
    },
  } as unknown as DerivativeSettingsRepository;
  return { repository, calls, holdNext: (p: Promise<void>) => (hold = p), release: () => (hold = undefined) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DerivativeSettingsService', () => {
  it('reads the store once per TTL, and once for callers asking together', async () => {
    vi.useFakeTimers();
    const s = store({ thumbSize: 320 });
    const service = new DerivativeSettingsService(s.repository);
    const together = await Promise.all([service.params(), service.params(), service.params()]);
    expect(together).toEqual([{ thumbSize: 320 }, { thumbSize: 320 }, { thumbSize: 320 }]);
    expect(s.calls.loads).toBe(1);
    vi.advanceTimersByTime(SETTINGS_TTL_MS - 1);
    await service.params();
    expect(s.calls.loads).toBe(1);
    vi.advanceTimersByTime(2);
    await service.params();
    expect(s.calls.loads).toBe(2);
  });

  it('sees its own save at once, merged into what was stored', async () => {
    const s = store({ thumbSize: 320 });
    const service = new DerivativeSettingsService(s.repository);
    expect(await service.params()).toEqual({ thumbSize: 320 });
    await service.save({ previewFormat: 'webp' });
    expect(await service.params()).toEqual({ thumbSize: 320, previewFormat: 'webp' });
    await service.save(null);
    expect(await service.params()).toEqual({});
    expect((await service.settings()).current).toEqual(DEFAULT_PARAMS);
  });

  it('does not put back values a read fetched before a save', async () => {
    const s = store({ thumbSize: 320 });
    const service = new DerivativeSettingsService(s.repository);
    let open: () => void = () => undefined;
    s.holdNext(new Promise<void>((resolve) => (open = resolve)));
    const early = service.params();
    s.release();
    await service.save({ thumbSize: 500 });
    open();
    expect(await early).toEqual({ thumbSize: 320 });
    expect(await service.params()).toEqual({ thumbSize: 500 });
  });

  it('refuses a bad change with every bad field named, saving nothing', async () => {
    const s = store({ thumbSize: 320 });
    const service = new DerivativeSettingsService(s.repository);
    await expect(service.save({ thumbSize: 2, videoPreset: 'placebo' })).rejects.toMatchObject({
      code: 'ERR_SETTINGS_INVALID',
      status: 400,
      details: {
        fields: {
          'derivatives.thumbSize': 'must be an integer from 32 to 1024',
          'derivatives.videoPreset': expect.stringContaining('must be one of'),
        },
      },
    });
    expect(s.calls.saves).toBe(0);
    expect(await service.params()).toEqual({ thumbSize: 320 });
  });
});
