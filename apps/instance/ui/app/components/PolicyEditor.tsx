'use client';

import { useEffect, useState } from 'react';
import { api, call, ApiFailure } from '../lib/api';

interface Policy {
  everyone: boolean;
  users: string[];
  groups: string[];
}
interface Directory {
  users: Array<{ sub: string; username: string; name: string | null }>;
  groups: Array<{ name: string }>;
}

const box = {
  background: '#fff',
  border: '1px solid #e2dfd8',
  borderRadius: 8,
  padding: 12,
  margin: '8px 0',
  maxWidth: 620,
};

/**
 * Who sees an album beyond the roles that see the whole library (rule 6): everyone signed in,
 * named people and groups picked from the portal's directory.
 */
export function PolicyEditor({ path }: { path: string }) {
  const [policy, setPolicy] = useState<Policy>({ everyone: false, users: [], groups: [] });
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Directory | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    api<{ policy: Policy | null }>(path).then((r) =>
      setPolicy(r.policy ?? { everyone: false, users: [], groups: [] }),
    );
  }, [path]);
  useEffect(() => {
    const timer = setTimeout(() => {
      api<Directory>(`/api/directory?q=${encodeURIComponent(q)}`).then(setFound, (e) =>
        setNotice(e instanceof ApiFailure ? e.error.message : 'The portal cannot be reached.'),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  const toggle = (list: 'users' | 'groups', value: string) =>
    setPolicy((p) => ({
      ...p,
      [list]: p[list].includes(value) ? p[list].filter((v) => v !== value) : [...p[list], value],
    }));
  return (
    <div id="policy-editor" style={box}>
      <label>
        <input
          type="checkbox"
          checked={policy.everyone}
          onChange={(e) => setPolicy({ ...policy, everyone: e.target.checked })}
        />{' '}
        Everyone signed in to this library
      </label>
      <p style={{ margin: '8px 0 4px' }}>
        People: {policy.users.length ? policy.users.join(', ') : 'none'} · Groups:{' '}
        {policy.groups.length ? policy.groups.join(', ') : 'none'}
      </p>
      <input
        placeholder="Find people and groups"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        style={{ width: '100%', boxSizing: 'border-box', padding: 6 }}
      />
      {found && (
        <ul style={{ listStyle: 'none', padding: 0, maxHeight: 180, overflowY: 'auto' }}>
          {found.users.map((u) => (
            <li key={u.sub}>
              <label>
                <input
                  type="checkbox"
                  checked={policy.users.includes(u.sub)}
                  onChange={() => toggle('users', u.sub)}
                />{' '}
                👤 {u.name ?? u.username} ({u.username})
              </label>
            </li>
          ))}
          {found.groups.map((g) => (
            <li key={g.name}>
              <label>
                <input
                  type="checkbox"
                  checked={policy.groups.includes(g.name)}
                  onChange={() => toggle('groups', g.name)}
                />{' '}
                👥 {g.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        onClick={async () => {
          const empty = !policy.everyone && !policy.users.length && !policy.groups.length;
          await call('PUT', path, { policy: empty ? null : policy });
          setNotice('Saved.');
        }}
      >
        Save
      </button>{' '}
      {notice && <span role="status">{notice}</span>}
    </div>
  );
}
