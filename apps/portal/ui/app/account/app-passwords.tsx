'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { api, describe } from '../lib/api';
import { button, ErrorText, input, muted, secondaryButton, Section } from '../lib/ui';

interface AppPassword {
  id: string;
  name: string;
  node: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

interface Created extends AppPassword {
  password: string;
}

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : 'never');

/** Passwords for one library each (WebDAV clients, scripts): named, expiring, shown once. */
export function AppPasswordsSection() {
  const [list, setList] = useState<AppPassword[]>();
  const [libraries, setLibraries] = useState<string[]>([]);
  const [created, setCreated] = useState<Created>();
  const [error, setError] = useState<string>();

  const reload = () =>
    api<{ appPasswords: AppPassword[] }>('/api/account/app-passwords')
      .then((r) => setList(r.appPasswords))
      .catch((e) => setError(describe(e)));

  useEffect(() => {
    void reload();
    api<{ instances: { name: string }[] }>('/api/instances')
      .then((r) => setLibraries(r.instances.map((i) => i.name)))
      .catch(() => setLibraries([]));
  }, []);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(undefined);
    try {
      const made = await api<Created>('/api/account/app-passwords', {
        name: form.get('name'),
        node: form.get('node'),
        expiresInDays: Number(form.get('expires')),
      });
      setCreated(made);
      formElement.reset();
      void reload();
    } catch (e) {
      setError(describe(e));
    }
  }

  async function revoke(item: AppPassword) {
    setError(undefined);
    try {
      await api(`/api/account/app-passwords/${encodeURIComponent(item.id)}/revoke`, {});
      if (created?.id === item.id) setCreated(undefined);
      void reload();
    } catch (e) {
      setError(describe(e));
    }
  }

  return (
    <Section title="App passwords" id="app-passwords">
      <p style={muted}>
        For apps that cannot sign in through this page, such as a WebDAV client. Each works for one library
        only and never here at sign-in.
      </p>
      {created && (
        <div
          data-testid="new-app-password"
          style={{
            background: '#eef6f1',
            border: '1px solid #9cc3ad',
            borderRadius: 8,
            padding: 12,
            margin: '0 0 14px',
          }}
        >
          <p style={{ margin: '0 0 6px' }}>
            <strong>{created.name}</strong> for <strong>{created.node}</strong>, until{' '}
            {day(created.expiresAt)}. Copy it now: it is not shown again.
          </p>
          <code
            data-testid="app-password-value"
            style={{ fontSize: 16, wordBreak: 'break-all', userSelect: 'all' }}
          >
            {created.password}
          </code>
          <p style={{ margin: '8px 0 0' }}>
            <button type="button" style={secondaryButton} onClick={() => setCreated(undefined)}>
              I have copied it
            </button>
          </p>
        </div>
      )}
      {list && list.length === 0 && <p>You have no app passwords.</p>}
      {list && list.length > 0 && (
        <ul style={{ listStyle: 'none', padding: 0, margin: '0 0 14px' }}>
          {list.map((p) => (
            <li
              key={p.id}
              data-testid="app-password"
              style={{
                display: 'flex',
                flexWrap: 'wrap',
                gap: 8,
                alignItems: 'center',
                padding: '10px 0',
                borderTop: '1px solid #eee',
              }}
            >
              <div style={{ flex: '1 1 260px', minWidth: 0, overflowWrap: 'anywhere' }}>
                <strong>{p.name}</strong> · {p.node}
                <div style={muted}>
                  expires {day(p.expiresAt)} · last used {day(p.lastUsedAt)}
                </div>
              </div>
              <button type="button" style={secondaryButton} onClick={() => revoke(p)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {libraries.length === 0 ? (
        <p style={muted}>You can make one once an administrator gives you access to a library.</p>
      ) : (
        <form
          onSubmit={create}
          style={{ display: 'flex', flexWrap: 'wrap', gap: '0 12px', alignItems: 'flex-end' }}
        >
          <div style={{ flex: '2 1 200px' }}>
            <label htmlFor="ap-name">Name</label>
            <input
              id="ap-name"
              name="name"
              required
              maxLength={100}
              placeholder="e.g. Phone WebDAV"
              style={input}
            />
          </div>
          <div style={{ flex: '1 1 120px' }}>
            <label htmlFor="ap-node">Library</label>
            <select id="ap-node" name="node" required style={input}>
              {libraries.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </div>
          <div style={{ flex: '1 1 120px' }}>
            <label htmlFor="ap-expires">Expires after</label>
            <select id="ap-expires" name="expires" defaultValue="90" style={input}>
              <option value="7">7 days</option>
              <option value="30">30 days</option>
              <option value="90">90 days</option>
              <option value="365">1 year</option>
            </select>
          </div>
          <button type="submit" style={{ ...button, marginBottom: 14 }}>
            Create
          </button>
        </form>
      )}
      <ErrorText message={error} />
    </Section>
  );
}
