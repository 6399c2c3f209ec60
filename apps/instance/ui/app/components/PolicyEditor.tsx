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
  color: '#222',
};
const NOBODY: Policy = { everyone: false, users: [], groups: [] };

/**
 * Who sees an album or a photo beyond the roles that see the whole library (docs/architecture.md
 * rule 6): everyone signed in, named people and groups picked from the portal's directory.
 *
 * An album's policy is read from and written to `path`; an empty one is no policy. A photo's
 * (`asset`) is read from `path` and written to `PUT /api/policies/assets`; it either inherits what
 * its albums give or has its own, which may also be empty: only the full-library roles see it.
 */
export function PolicyEditor({ path, asset }: { path: string; asset?: string }) {
  const [policy, setPolicy] = useState<Policy>(NOBODY);
  const [inherit, setInherit] = useState(asset !== undefined);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Directory | null>(null);
  // The names of the people the directory has shown, so that the chosen ones read as names.
  const [names, setNames] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    api<{ policy: Policy | null }>(path).then(
      (r) => {
        setPolicy(r.policy ?? NOBODY);
        setInherit(asset !== undefined && r.policy === null);
      },
      (e) => setNotice(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.'),
    );
  }, [path, asset]);
  useEffect(() => {
    const timer = setTimeout(() => {
      api<Directory>(`/api/directory?q=${encodeURIComponent(q)}`).then(
        (d) => {
          setFound(d);
          setNames((known) => ({
            ...known,
            ...Object.fromEntries(d.users.map((u) => [u.sub, u.name ?? u.username])),
          }));
        },
        (e) => setNotice(e instanceof ApiFailure ? e.error.message : 'The portal cannot be reached.'),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  const toggle = (list: 'users' | 'groups', value: string) =>
    setPolicy((p) => ({
      ...p,
      [list]: p[list].includes(value) ? p[list].filter((v) => v !== value) : [...p[list], value],
    }));
  const save = async () => {
    const empty = !policy.everyone && !policy.users.length && !policy.groups.length;
    try {
      if (asset === undefined) await call('PUT', path, { policy: empty ? null : policy });
      else await call('PUT', '/api/policies/assets', { ids: [asset], policy: inherit ? null : policy });
      setNotice('Saved.');
    } catch (e) {
      setNotice(e instanceof ApiFailure ? e.error.message : 'Saving did not work.');
    }
  };
  const own = asset === undefined || !inherit;
  return (
    <div id={asset === undefined ? 'policy-editor' : 'asset-policy-editor'} style={box}>
      {asset !== undefined && (
        <div style={{ display: 'grid', gap: 4, marginBottom: 8 }}>
          <label>
            <input
              type="radio"
              name="policy-mode"
              value="inherit"
              checked={inherit}
              onChange={() => setInherit(true)}
            />{' '}
            As its albums say
          </label>
          <label>
            <input
              type="radio"
              name="policy-mode"
              value="own"
              checked={!inherit}
              onChange={() => setInherit(false)}
            />{' '}
            Its own: only these, whatever its albums say
          </label>
        </div>
      )}
      {own && (
        <>
          <label>
            <input
              type="checkbox"
              checked={policy.everyone}
              onChange={(e) => setPolicy({ ...policy, everyone: e.target.checked })}
            />{' '}
            Everyone signed in to this library
          </label>
          <p style={{ margin: '8px 0 4px' }}>
            People: {policy.users.length ? policy.users.map((sub) => names[sub] ?? sub).join(', ') : 'none'} ·
            Groups: {policy.groups.length ? policy.groups.join(', ') : 'none'}
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
                    {u.name ?? u.username} ({u.username})
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
                    {g.name} (group)
                  </label>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <button type="button" className="save" onClick={() => void save()}>
        Save
      </button>{' '}
      {notice && <span role="status">{notice}</span>}
    </div>
  );
}
