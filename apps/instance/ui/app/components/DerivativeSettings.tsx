'use client';

import { useEffect, useState, type CSSProperties } from 'react';
import { api, call, ApiFailure } from '../lib/api';

/** The library's sizes and qualities of derivatives, as GET /api/admin/settings answers them. */
export interface DerivativeValues {
  thumbSize: number;
  thumbQuality: number;
  previewSize: number;
  previewFormat: 'jpeg' | 'webp';
  previewQuality: number;
  videoSize: number;
  videoCrf: number;
  videoPreset: string;
}
type Field = keyof DerivativeValues;
interface Settings {
  derivatives: DerivativeValues;
  derivativeDefaults: DerivativeValues;
}
interface RebuildRun {
  id: string;
  status: 'running' | 'completed' | 'failed';
  total: number;
  assets: number;
  queued: number;
  waiting: number;
  busy: number;
  error: string | null;
}
const POLL_MS = 1000;

/** One line on a rebuild: its progress while it runs, what it did when done. */
function rebuildLine(r: RebuildRun): string {
  const files = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'file' : 'files'}`;
  if (r.status === 'running') return `Queuing… ${r.assets.toLocaleString()} of ${files(r.total)} done.`;
  const parts = [`${r.queued.toLocaleString()} ${r.queued === 1 ? 'job' : 'jobs'} queued for ${files(r.assets)}`];
  if (r.waiting) parts.push(`${r.waiting.toLocaleString()} already waiting with these settings`);
  if (r.busy) parts.push(`${r.busy.toLocaleString()} running with the old settings (press again when they are done)`);
  if (r.status === 'failed') return `Stopped after ${files(r.assets)}: the media queues did not answer. ${parts.join('; ')}. Press again to go on.`;
  return `${parts.join('; ')}.${r.queued ? ' The workers make them in the background (see Jobs).' : ''}`;
}

const PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'];

/** The form's fields, in words a PhotoPrism or Immich admin knows, with the ranges libs/media allows. */
const NUMBERS: Array<{ field: Field; label: string; min: number; max: number; hint?: string }> = [
  { field: 'thumbSize', label: 'Thumbnail size (px)', min: 32, max: 1024, hint: 'shorter edge of the grid tiles' },
  { field: 'thumbQuality', label: 'Thumbnail quality', min: 1, max: 100 },
  { field: 'previewSize', label: 'Preview size (px)', min: 256, max: 4096, hint: 'shorter edge; never larger than the original' },
  { field: 'previewQuality', label: 'Preview quality', min: 1, max: 100 },
  { field: 'videoSize', label: 'Video size (px)', min: 144, max: 2160, hint: 'shorter edge of transcodes, e.g. 720' },
  { field: 'videoCrf', label: 'Video quality (CRF, lower is better)', min: 0, max: 51, hint: '23 is a good default' },
];

const grid: CSSProperties = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(230px, 1fr))', gap: '10px 16px' };
const label: CSSProperties = { display: 'flex', flexDirection: 'column', gap: 3, fontSize: '0.95em' };
const input: CSSProperties = { padding: '5px 6px', font: 'inherit', maxWidth: 200 };
const small: CSSProperties = { color: '#666', fontSize: '0.85em' };
const fieldError: CSSProperties = { color: '#a33', fontSize: '0.85em' };

/** What the form holds: numbers as typed (text), so an empty or odd entry can be named, not lost. */
type Draft = Record<Field, string>;
const draftOf = (v: DerivativeValues): Draft =>
  Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) as Draft;

function changesOf(draft: Draft, current: DerivativeValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(draft) as Array<[Field, string]>) {
    const isNumber = typeof current[key] === 'number';
    // A number field sends what was typed as a number when it reads as one, else as it is: the
    // server's check then names the field.
    const value = isNumber && text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    if (value !== current[key]) out[key] = value;
  }
  return out;
}

/**
 * Sizes and qualities of thumbnails, previews and transcodes, and "rebuild derivatives" so existing
 * files follow a change. Field errors come from the server's check (ERR_SETTINGS_INVALID).
 */
export function DerivativeSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [withVideo, setWithVideo] = useState(false);
  const [run, setRun] = useState<RebuildRun | null>(null);
  const [rebuildError, setRebuildError] = useState<string | null>(null);
  const rebuilding = run?.status === 'running';

  const show = (s: Settings) => {
    setSettings(s);
    setDraft(draftOf(s.derivatives));
  };
  useEffect(() => void api<Settings>('/api/admin/settings').then(show, (e) => setNotice(failure(e))), []);
  // The latest run, and its progress while it goes (it may have been started elsewhere).
  const follow = () =>
    api<{ run: RebuildRun | null }>('/api/admin/derivatives/rebuild').then(
      (r) => setRun(r.run),
      () => undefined,
    );
  useEffect(() => void follow(), []);
  useEffect(() => {
    if (!rebuilding) return;
    const timer = setInterval(() => void follow(), POLL_MS);
    return () => clearInterval(timer);
  }, [rebuilding]);

  async function save(body: unknown, done: string) {
    setSaving(true);
    setNotice(null);
    try {
      show(await call<Settings>('PATCH', '/api/admin/settings', { derivatives: body }));
      setErrors({});
      setNotice(done);
    } catch (e) {
      const fields = e instanceof ApiFailure ? (e.error.details?.fields as Record<string, string> | undefined) : undefined;
      if (fields)
        setErrors(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.replace(/^derivatives\./, ''), v])));
      setNotice(fields ? 'Not saved: correct the fields marked in red.' : failure(e));
    } finally {
      setSaving(false);
    }
  }

  async function rebuild() {
    setRebuildError(null);
    try {
      setRun(await call<RebuildRun>('POST', '/api/admin/derivatives/rebuild', { video: withVideo }));
    } catch (e) {
      setRebuildError(failure(e));
      await follow();
    }
  }

  if (!settings || !draft) return notice ? <p role="status">{notice}</p> : null;
  const defaults = settings.derivativeDefaults;
  // Editing a field clears its error; the refusal's notice goes with the last one.
  const edit = (field: Field, value: string) => {
    setDraft({ ...draft, [field]: value });
    if (!errors[field]) return;
    const rest = Object.fromEntries(Object.entries(errors).filter(([k]) => k !== field));
    setErrors(rest);
    if (Object.keys(rest).length === 0) setNotice(null);
  };
  const changes = changesOf(draft, settings.derivatives);
  const unsaved = Object.keys(changes).length > 0;
  const atDefaults = (Object.keys(defaults) as Field[]).every((k) => settings.derivatives[k] === defaults[k]);
  const problem = (field: Field) =>
    errors[field] ? (
      <span id={`error-${field}`} role="alert" style={fieldError}>
        {errors[field]}
      </span>
    ) : null;

  return (
    <form
      id="derivative-settings"
      style={{ marginTop: 12, borderTop: '1px solid #eee', paddingTop: 10 }}
      onSubmit={(e) => {
        e.preventDefault();
        void save(changes, 'Saved. New photos and videos use these settings; rebuild to update the existing ones.');
      }}
    >
      <h4 style={{ margin: '0 0 8px' }}>Thumbnails, previews and videos</h4>
      <div style={grid}>
        {NUMBERS.map(({ field, label: text, min, max, hint }) => (
          <label key={field} style={label}>
            {text}
            <input
              id={`setting-${field}`}
              inputMode="numeric"
              style={{ ...input, borderColor: errors[field] ? '#a33' : undefined }}
              value={draft[field]}
              aria-invalid={errors[field] ? true : undefined}
              onChange={(e) => edit(field, e.target.value)}
            />
            <span style={small}>
              {min}–{max}, default {defaults[field]}
              {hint ? ` · ${hint}` : ''}
            </span>
            {problem(field)}
          </label>
        ))}
        <label style={label}>
          Preview format
          <select id="setting-previewFormat" style={input} value={draft.previewFormat} onChange={(e) => edit('previewFormat', e.target.value)}>
            <option value="jpeg">JPEG</option>
            <option value="webp">WebP (smaller)</option>
          </select>
          <span style={small}>default {defaults.previewFormat === 'jpeg' ? 'JPEG' : 'WebP'}</span>
          {problem('previewFormat')}
        </label>
        <label style={label}>
          Video encoding speed (preset)
          <select id="setting-videoPreset" style={input} value={draft.videoPreset} onChange={(e) => edit('videoPreset', e.target.value)}>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <span style={small}>default {defaults.videoPreset} · slower makes smaller files</span>
          {problem('videoPreset')}
        </label>
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginTop: 12 }}>
        <button type="submit" id="save-derivatives" disabled={saving || !unsaved}>
          Save
        </button>
        <button type="button" id="reset-derivatives" disabled={saving || atDefaults} onClick={() => void save(null, 'Back to the defaults.')}>
          Restore defaults
        </button>
      </div>
      {notice && (
        <p role="status" id="derivatives-notice">
          {notice}
        </p>
      )}
      <div id="rebuild" style={{ marginTop: 12, borderTop: '1px solid #eee', paddingTop: 10 }}>
        <p style={{ margin: '0 0 6px' }}>
          Existing thumbnails and previews keep their old size until they are made again.
        </p>
        <label style={{ display: 'block', marginBottom: 6 }}>
          <input type="checkbox" id="rebuild-video" checked={withVideo} onChange={(e) => setWithVideo(e.target.checked)} /> Transcode
          videos again too (slow)
        </label>
        <button type="button" id="rebuild-derivatives" disabled={rebuilding || unsaved} onClick={() => void rebuild()}>
          {rebuilding ? 'Queuing…' : 'Rebuild derivatives'}
        </button>
        {unsaved && (
          <span id="rebuild-unsaved" style={{ ...small, marginLeft: 8 }}>
            Save or undo the changes above first: a rebuild uses the saved settings.
          </span>
        )}
        {(rebuildError ?? run) && (
          <p role="status" id="rebuild-result" data-state={rebuildError ? 'error' : run?.status}>
            {rebuildError ?? (run ? rebuildLine(run) : '')}
          </p>
        )}
      </div>
    </form>
  );
}

function failure(e: unknown): string {
  return e instanceof ApiFailure ? e.error.message : 'That did not work.';
}
