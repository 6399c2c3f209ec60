'use client';

import { useState } from 'react';
import { api, call, ApiFailure, type AssetDetail } from '../lib/api';
import { Comments } from './Comments';
import { PolicyEditor } from './PolicyEditor';

const field = {
  width: '100%',
  font: 'inherit',
  padding: 4,
  boxSizing: 'border-box' as const,
  background: '#222',
  color: '#eee',
  border: '1px solid #555',
  borderRadius: 4,
};

/** `2024-06-01T14:30` in the asset's zone from an instant, for a datetime-local input. */
function localInput(iso: string | null, zone: string | null): string {
  if (!iso) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** The offset of `zone` at the local time `local`, as +02:00. */
function offsetOf(local: string, zone: string): string {
  const guess = new Date(`${local}:00Z`);
  const shown = new Date(localInput(guess.toISOString(), zone) + ':00Z');
  const minutes = Math.round((shown.getTime() - guess.getTime()) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function Editor({ detail, onSaved }: { detail: AssetDetail; onSaved: (d: AssetDetail) => void }) {
  const [title, setTitle] = useState(detail.title ?? '');
  const [caption, setCaption] = useState(detail.caption ?? '');
  const [tags, setTags] = useState(detail.tags.join(', '));
  const [zone, setZone] = useState(detail.timeZone ?? 'UTC');
  const [taken, setTaken] = useState(localInput(detail.takenAt, detail.timeZone));
  const [message, setMessage] = useState<string | null>(null);

  const save = async () => {
    const wanted = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    try {
      await call('PATCH', '/api/assets', {
        ids: [detail.id],
        changes: {
          title: title.trim() || null,
          caption: caption.trim() || null,
          timeZone: zone.trim() || null,
          takenAt: taken ? `${taken}:00${offsetOf(taken, zone || 'UTC')}` : null,
          ...(wanted.length ? { addTags: wanted } : {}),
          ...(detail.tags.filter((t) => !wanted.includes(t)).length
            ? { removeTags: detail.tags.filter((t) => !wanted.includes(t)) }
            : {}),
        },
      });
      onSaved(await api<AssetDetail>(`/api/assets/${detail.id}`));
      setMessage('Saved.');
    } catch (e) {
      setMessage(e instanceof ApiFailure ? e.error.message : 'Saving did not work.');
    }
  };
  const flag = async (name: 'favorite' | 'private' | 'archived', value: boolean) => {
    await call('PATCH', '/api/assets', { ids: [detail.id], changes: { [name]: value } });
    onSaved(await api<AssetDetail>(`/api/assets/${detail.id}`));
  };
  return (
    <form
      id="asset-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      style={{ display: 'grid', gap: 6 }}
    >
      <div style={{ display: 'flex', gap: 10, flexWrap: 'wrap' }}>
        {(['favorite', 'private', 'archived'] as const).map((name) => (
          <label key={name}>
            <input
              type="checkbox"
              name={name}
              checked={detail[name]}
              onChange={(e) => void flag(name, e.target.checked)}
            />{' '}
            {name}
          </label>
        ))}
      </div>
      <label>
        Title
        <input
          style={field}
          name="title"
          value={title}
          maxLength={500}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label>
        Caption
        <textarea
          style={field}
          name="caption"
          value={caption}
          maxLength={5000}
          rows={3}
          onChange={(e) => setCaption(e.target.value)}
        />
      </label>
      <label>
        Tags (comma-separated)
        <input style={field} name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label>
        Taken at
        <input
          style={field}
          type="datetime-local"
          name="takenAt"
          value={taken}
          onChange={(e) => setTaken(e.target.value)}
        />
      </label>
      <label>
        Time zone
        <input
          style={field}
          name="timeZone"
          value={zone}
          placeholder="Europe/Paris"
          onChange={(e) => setZone(e.target.value)}
        />
      </label>
      <button type="submit">Save</button>
      {message && <span role="status">{message}</span>}
    </form>
  );
}

/** Who sees this one photo: what its albums give, or a policy of its own (docs/architecture.md rule 6). */
function PhotoPolicy({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section style={{ marginTop: 10 }}>
      <button type="button" id="asset-policy" aria-expanded={open} onClick={() => setOpen(!open)}>
        Who sees it
      </button>
      {open && <PolicyEditor key={id} path={`/api/policies/assets/${id}`} asset={id} />}
    </section>
  );
}

/** The lightbox's side panel: what is known of the asset, its editor for those who may edit, and comments. */
export function AssetPanel({
  detail,
  canEdit,
  canComment,
  onSaved,
}: {
  detail: AssetDetail;
  canEdit: boolean;
  canComment: boolean;
  onSaved: (d: AssetDetail) => void;
}) {
  return (
    <aside
      style={{ width: 300, maxWidth: '40vw', overflowY: 'auto', padding: 12, borderLeft: '1px solid #333' }}
    >
      {detail.title && <h2 style={{ fontSize: 17, marginTop: 0 }}>{detail.title}</h2>}
      {detail.caption && <p>{detail.caption}</p>}
      {detail.tags.length > 0 && <p style={{ color: '#bbb' }}>#{detail.tags.join(' #')}</p>}
      {canEdit && <Editor key={detail.id} detail={detail} onSaved={onSaved} />}
      {canEdit && <PhotoPolicy key={detail.id} id={detail.id} />}
      <Comments target={{ assetId: detail.id }} canComment={canComment} />
    </aside>
  );
}
