import { describe, expect, it } from 'vitest';
import { parseProbe } from '../video/probe-parse.js';
import { videoMetadataFromProbe, videoTakenAt } from './video-metadata.js';

const probeWith = (tags: Record<string, string>, rotation?: number) =>
  parseProbe({
    streams: [
      { codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, avg_frame_rate: '30/1', ...(rotation ? { side_data_list: [{ rotation }] } : {}) },
      { codec_type: 'audio', codec_name: 'aac', channels: 2 },
    ],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '3.2', bit_rate: '1000', tags },
  });

describe('videoMetadataFromProbe', () => {
  it('reads an iPhone video: zone, place, camera, rotation', () => {
    const meta = videoMetadataFromProbe(
      probeWith(
        {
          creation_time: '2024-05-01T10:34:56.000000Z',
          'com.apple.quicktime.creationdate': '2024-05-01T12:34:56+0200',
          'com.apple.quicktime.location.ISO6709': '+48.8584+002.2945+035.000/',
          'com.apple.quicktime.make': 'Apple',
          'com.apple.quicktime.model': 'iPhone 15',
        },
        -90,
      ),
      { mime: 'video/quicktime', fileSize: 99 },
    );
    expect(meta).toMatchObject({
      mediaType: 'video',
      width: 1080,
      height: 1920,
      takenAt: '2024-05-01T10:34:56.000Z',
      takenAtLocal: '2024-05-01T12:34:56.000',
      timeZone: '+02:00',
      make: 'Apple',
      model: 'iPhone 15',
      gps: { latitude: 48.8584, longitude: 2.2945, altitude: 35 },
      durationMs: 3200,
      video: { videoCodec: 'hevc', audioCodec: 'aac', frameRate: 30, rotation: 90 },
    });
  });

  it('reads an Android video: UTC creation time, location, manufacturer', () => {
    const meta = videoMetadataFromProbe(
      probeWith({ creation_time: '2024-05-01T10:34:56.000000Z', location: '-33.8568+151.2153/', 'com.android.manufacturer': 'Google', 'com.android.model': 'Pixel 8' }),
      { mime: 'video/mp4', fileSize: 1 },
    );
    expect(meta).toMatchObject({ takenAt: '2024-05-01T10:34:56.000Z', timeZone: null, make: 'Google', model: 'Pixel 8', gps: { latitude: -33.8568, longitude: 151.2153 } });
  });
});

describe('videoTakenAt', () => {
  it.each([
    ['the epoch of QuickTime', { creation_time: '1904-01-01T00:00:00.000000Z' }],
    ['the Unix epoch', { creation_time: '1970-01-01T00:00:00.000000Z' }],
    ['nothing', {}],
    ['garbage', { creation_time: 'soon' }],
  ])('is null for %s', (_name, tags) => {
    expect(videoTakenAt(tags)).toBeNull();
  });
});
