import type { PreviewFormat } from '../paths.js';
import { SchemaCheck } from './check.js';

/** x264 presets accepted for transcodes, fastest first. */
export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
/** One x264 preset. */
export type X264Preset = (typeof X264_PRESETS)[number];

/** Derivative settings a job may carry (the instance's library settings); every field optional. */
export interface DerivativeParams {
  /** Shorter edge of the WebP tile, px (default 250). */
  readonly thumbSize?: number;
  /** WebP quality of the tile, 1–100 (default 80). */
  readonly thumbQuality?: number;
  /** Shorter edge of the preview, px (default 1440). */
  readonly previewSize?: number;
  /** Preview encoding (default `jpeg`). */
  readonly previewFormat?: PreviewFormat;
  /** Preview quality, 1–100 (default 80). */
  readonly previewQuality?: number;
  /** Shorter edge of a transcode, px (default 720; never enlarged). */
  readonly videoSize?: number;
  /** x264 constant rate factor, 0–51 (default 23). */
  readonly videoCrf?: number;
  /** x264 preset (default `ultrafast`, as Immich). */
  readonly videoPreset?: X264Preset;
}

/** {@link DerivativeParams} with every default filled in. */
export type ResolvedParams = { readonly [K in keyof DerivativeParams]-?: NonNullable<DerivativeParams[K]> };

/** Immich's settings: 250 px WebP q80 tile, 1440 px JPEG q80 preview, H.264 CRF 23 at 720p. */
export const DEFAULT_PARAMS: ResolvedParams = Object.freeze({
  thumbSize: 250,
  thumbQuality: 80,
  previewSize: 1440,
  previewFormat: 'jpeg',
  previewQuality: 80,
  videoSize: 720,
  videoCrf: 23,
  videoPreset: 'ultrafast',
});

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  thumbSize: [32, 1024],
  thumbQuality: [1, 100],
  previewSize: [256, 4096],
  previewQuality: [1, 100],
  videoSize: [144, 2160],
  videoCrf: [0, 51],
};

/** Checks `value` as {@link DerivativeParams}, recording problems under `field` in `check`. */
export function checkParams(check: SchemaCheck, field: string, value: unknown): DerivativeParams | undefined {
  const params = check.object(field, value);
  if (!params) return undefined;
  check.onlyKeys(field, params, Object.keys(DEFAULT_PARAMS));
  for (const [key, [min, max]] of Object.entries(INTEGER_RANGES)) {
    if (params[key] !== undefined) check.integer(`${field}.${key}`, params[key], min, max);
  }
  if (params.previewFormat !== undefined) check.oneOf(`${field}.previewFormat`, params.previewFormat, ['jpeg', 'webp']);
  if (params.videoPreset !== undefined) check.oneOf(`${field}.videoPreset`, params.videoPreset, X264_PRESETS);
  return params as DerivativeParams;
}

/** Fills the defaults into checked params. */
export function resolveParams(params: DerivativeParams = {}): ResolvedParams {
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  return Object.freeze({ ...DEFAULT_PARAMS, ...defined });
}

/** What {@link checkDerivativeSettings} found: the settings, or each bad field with its problem. */
export type DerivativeSettingsCheck =
  | { readonly ok: true; readonly params: DerivativeParams }
  | { readonly ok: false; readonly problems: Readonly<Record<string, string>> };

/**
 * Checks a library's derivative settings as an admin sent them (`field` names them in problems,
 * e.g. `derivatives.thumbSize`): the same rules a job payload's `params` must pass.
 */
export function checkDerivativeSettings(value: unknown, field = 'params'): DerivativeSettingsCheck {
  const check = new SchemaCheck('derivative settings');
  // A `__proto__` key that a parser turned into the prototype would pass the checks below unseen.
  const proto = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.getPrototypeOf(value) : Object.prototype;
  if (proto !== Object.prototype && proto !== null) check.fail(`${field}.__proto__`, 'is not a known field');
  const params = checkParams(check, field, value);
  if (check.issues.length > 0 || !params) {
    return { ok: false, problems: Object.fromEntries(check.issues.map((i) => [i.field, i.problem])) };
  }
  return { ok: true, params: { ...params } };
}

/**
 * Only the fields that differ from {@link DEFAULT_PARAMS}: a library at the defaults sends `{}`,
 * as before settings existed (the workers and the shared store resolve both alike).
 */
export function nonDefaultParams(params: DerivativeParams): DerivativeParams {
  const resolved = resolveParams(params);
  const keys = Object.keys(DEFAULT_PARAMS) as Array<keyof ResolvedParams>;
  return Object.fromEntries(keys.filter((k) => resolved[k] !== DEFAULT_PARAMS[k]).map((k) => [k, resolved[k]])) as DerivativeParams;
}
