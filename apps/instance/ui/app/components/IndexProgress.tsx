'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, ApiFailure, type IndexStatus } from '../lib/api';

const POLL_MS = 2000;

function pending(status: IndexStatus): number {
  const queues = status.queues ?? {};
  return Object.values(queues).reduce(
    (sum, q) => sum + (q.waiting ?? 0) + (q.active ?? 0) + (q.prioritized ?? 0) + (q.delayed ?? 0),
    0,
  );
}

/** Indexing: the last run, what the workers still have to do, and a button to index now. */
export function IndexProgress() {
  const [status, setStatus] = useState<IndexStatus | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const refresh = useCallback(() => api<IndexStatus>('/api/index').then(setStatus, () => undefined), []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const busy = status !== null && (status.run?.status === 'running' || pending(status) > 0);
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [busy, refresh]);

  async function start() {
    setMessage(null);
    try {
      await api('/api/index', {});
      await refresh();
    } catch (e) {
      setMessage(e instanceof ApiFailure ? e.error.message : 'Indexing could not start.');
    }
  }

  if (!status) return null;
  const run = status.run;
  const c = run?.counts ?? {};
  return (
    <section
      id="index-progress"
      style={{ background: '#fff', borderRadius: 8, padding: '10px 14px', margin: '10px 0' }}
    >
      <strong>Index</strong>{' '}
      <span id="index-state">
        {run === null ? 'never run' : run.status === 'running' ? `running (${run.phase})` : run.status}
      </span>
      {run && (
        <span>
          {' '}
          · {c.seen ?? 0} files seen, {c.added ?? 0} added, {c.changed ?? 0} changed, {c.moved ?? 0} moved,{' '}
          {c.removed ?? 0} removed
        </span>
      )}
      <span>
        {' '}
        · {status.library.withThumbnail ?? 0} of {status.library.assets ?? 0} thumbnails ready
        {pending(status) > 0 ? `, ${pending(status)} jobs waiting` : ''}
        {status.library.failed ? `, ${status.library.failed} failed` : ''}
      </span>{' '}
      {run?.error && <span role="alert"> · {run.error}</span>}
      <button
        type="button"
        id="index-now"
        onClick={start}
        disabled={run?.status === 'running'}
        style={{ marginLeft: 8 }}
      >
        Index now
      </button>
      {message && <span role="alert"> {message}</span>}
    </section>
  );
}
