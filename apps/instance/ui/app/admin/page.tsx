'use client';

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, call, ApiFailure, type Session } from '../lib/api';
import { DerivativeSettings } from '../components/DerivativeSettings';
import { IndexProgress } from '../components/IndexProgress';
import { Shell } from '../components/Shell';

interface Person {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  role: string;
  lastSignInAt: string;
  openSessions: number;
}
interface AdminSession {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}
interface Jobs {
  queues: Record<string, Record<string, number>> | null;
  total: number;
  failed: Array<{ id: string; path: string; kinds: string[]; reasons: Record<string, string> }>;
}
interface Settings {
  deleteOriginals: boolean;
  webdav: boolean;
}
interface Storage {
  originals: { bytes: number; files: number };
  cache: { bytes: number; files: number; complete: boolean };
}

const card = { background: '#fff', borderRadius: 8, padding: '10px 14px', margin: '10px 0', overflowX: 'auto' } as const;
const cell = { padding: '4px 6px', textAlign: 'left', borderBottom: '1px solid #eee', verticalAlign: 'top' } as const;
const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
const failure = (e: unknown) => (e instanceof ApiFailure ? e.error.message : 'That did not work.');

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} style={card}>
      <h3 style={{ margin: '4px 0 8px' }}>{title}</h3>
      {children}
    </section>
  );
}

function People() {
  const [people, setPeople] = useState<Person[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [sessions, setSessions] = useState<AdminSession[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => api<Person[]>('/api/admin/people').then(setPeople, (e) => setNotice(failure(e))), []);
  useEffect(() => void load(), [load]);
  const show = async (id: string) => {
    setOpen(id);
    setSessions(await api<AdminSession[]>(`/api/admin/people/${encodeURIComponent(id)}/sessions`));
  };
  const end = async (id: string) => {
    try {
      await call('POST', `/api/admin/sessions/${encodeURIComponent(id)}/end`);
      setNotice('Session ended: that browser is signed out.');
      if (open) await show(open);
      await load();
    } catch (e) {
      setNotice(failure(e));
    }
  };
  return (
    <Section id="admin-people" title="People & sessions">
      {notice && <p role="status">{notice}</p>}
      {people?.length === 0 && <p>No one has signed in yet.</p>}
      {people && people.length > 0 && (
        <table style={{ borderCollapse: 'collapse', width: '100%' }}>
          <thead>
            <tr>
              <th style={cell}>Person</th>
              <th style={cell}>Last sign-in</th>
              <th style={cell}>Sessions</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id} data-person={p.id}>
                <td style={{ ...cell, minWidth: 110, overflowWrap: 'anywhere' }}>
                  <strong>{p.name ?? p.username}</strong>
                  <div style={{ color: '#666' }}>
                    {p.role}
                    {p.email ? ` · ${p.email}` : ''}
                  </div>
                </td>
                <td style={cell}>{when(p.lastSignInAt)}</td>
                <td style={cell}>
                  <button type="button" onClick={() => void show(p.id)} disabled={p.openSessions === 0}>
                    {p.openSessions} open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <div id="admin-sessions" style={{ marginTop: 10 }}>
          <strong>Sessions of {people?.find((p) => p.id === open)?.username ?? open}</strong>
          {sessions.length === 0 && <p>No open sessions.</p>}
          <ul style={{ paddingLeft: 18 }}>
            {sessions.map((s) => (
              <li key={s.id}>
                signed in {when(s.createdAt)}, last seen {when(s.lastSeenAt)}
                {s.current ? (
                  ' (this browser)'
                ) : (
                  <button type="button" className="end-session" style={{ marginLeft: 8 }} onClick={() => void end(s.id)}>
                    End
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}

function JobsSection() {
  const [jobs, setJobs] = useState<Jobs | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => api<Jobs>('/api/admin/jobs').then(setJobs, (e) => setNotice(failure(e))), []);
  useEffect(() => void load(), [load]);
  const retry = async (path: string) => {
    try {
      const r = await call<{ assets: number; jobs: number }>('POST', path);
      setNotice(`${r.jobs} ${r.jobs === 1 ? 'job' : 'jobs'} queued again for ${r.assets} ${r.assets === 1 ? 'file' : 'files'}.`);
      await load();
    } catch (e) {
      setNotice(failure(e));
    }
  };
  return (
    <Section id="admin-jobs" title="Jobs">
      {notice && <p role="status">{notice}</p>}
      {jobs && (
        <>
          {jobs.queues === null ? (
            <p role="alert">The media queues do not answer (Redis is down).</p>
          ) : (
            <table style={{ borderCollapse: 'collapse', fontSize: '0.95em' }}>
              <thead>
                <tr>
                  {['Queue', 'Waiting', 'Active', 'Delayed', 'Failed'].map((h) => (
                    <th key={h} style={cell}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Object.entries(jobs.queues).map(([name, q]) => (
                  <tr key={name} data-queue={name}>
                    <td style={cell}>{name}</td>
                    <td style={cell}>{(q.waiting ?? 0) + (q.prioritized ?? 0)}</td>
                    <td style={cell}>{q.active ?? 0}</td>
                    <td style={cell}>{q.delayed ?? 0}</td>
                    <td style={cell}>{q.failed ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 10 }}>
            <strong style={{ flex: 1 }}>{jobs.total === 0 ? 'No failed files.' : `${jobs.total} failed ${jobs.total === 1 ? 'file' : 'files'}`}</strong>
            {jobs.total > 0 && (
              <button type="button" id="retry-all" onClick={() => void retry('/api/admin/jobs/retry')}>
                Retry all
              </button>
            )}
          </div>
          <ul style={{ paddingLeft: 18 }}>
            {jobs.failed.map((f) => (
              <li key={f.id} data-failed={f.id} style={{ wordBreak: 'break-all', margin: '4px 0' }}>
                {f.path} —{' '}
                {f.kinds.map((k) => `${k}: ${f.reasons[k]}`).join(', ')}
                <button type="button" className="retry" style={{ marginLeft: 8 }} onClick={() => void retry(`/api/admin/jobs/${f.id}/retry`)}>
                  Retry
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function SettingsSection() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => void api<Settings>('/api/admin/settings').then(setSettings, (e) => setNotice(failure(e))), []);
  const save = async (deleteOriginals: boolean) => {
    try {
      setSettings(await call<Settings>('PATCH', '/api/admin/settings', { deleteOriginals }));
      setNotice('Saved.');
    } catch (e) {
      setNotice(failure(e));
    }
  };
  return (
    <Section id="admin-settings" title="Settings">
      {settings && (
        <>
          <label style={{ display: 'block' }}>
            <input
              type="checkbox"
              id="delete-originals"
              checked={settings.deleteOriginals}
              onChange={(e) => void save(e.target.checked)}
            />{' '}
            Emptying the trash also deletes originals outside upload paths
          </label>
          <p style={{ color: '#555', margin: '6px 0 0' }}>
            WebDAV is <strong id="webdav-state">{settings.webdav ? 'on' : 'off'}</strong> (set by ATRIUM_DISABLE_FEATURES on the
            server).
          </p>
        </>
      )}
      {notice && <p role="status">{notice}</p>}
      <DerivativeSettings />
    </Section>
  );
}

function StorageSection() {
  const [storage, setStorage] = useState<Storage | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => void api<Storage>('/api/admin/storage').then(setStorage, (e) => setNotice(failure(e))), []);
  return (
    <Section id="admin-storage" title="Storage">
      {notice && <p role="status">{notice}</p>}
      {storage && (
        <ul style={{ paddingLeft: 18, margin: 0 }}>
          <li>
            Originals: <strong>{bytes(storage.originals.bytes)}</strong> in {files(storage.originals.files)}
          </li>
          <li>
            Cache: <strong>{bytes(storage.cache.bytes)}</strong> in {files(storage.cache.files)}
            {storage.cache.complete ? '' : ' (at least: the count stopped at 200,000 entries)'}
          </li>
        </ul>
      )}
    </Section>
  );
}

function Admin({ session }: { session: Session }) {
  const may = (p: string) => session.permissions.includes(p);
  return (
    <>
      <h2>Administration</h2>
      {!may('users.view') && !may('settings.library') && (
        <p id="admin-nothing">Your role in this library has nothing to administer. An admin of the library can help.</p>
      )}
      {may('users.view') && <People />}
      {may('settings.advanced') && <JobsSection />}
      {may('library.index') && <IndexProgress />}
      {may('settings.library') && <SettingsSection />}
      {may('settings.advanced') && <StorageSection />}
    </>
  );
}

export default function AdminPage() {
  return <Shell current="admin">{(session) => <Admin session={session} />}</Shell>;
}
