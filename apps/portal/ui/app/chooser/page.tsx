'use client';

import { useEffect, useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import { button, Card } from '../lib/ui';

interface Instance {
  name: string;
  url: string;
  role: string;
  launchUrl: string;
}

/** After sign-in: one library → straight there; several → a list; none → ask an admin. */
export default function ChooserPage() {
  const [instances, setInstances] = useState<Instance[]>();
  const [admin, setAdmin] = useState(false);

  useEffect(() => {
    let clusterAdmin = false;
    api<{ clusterAdmin?: boolean }>('/api/session')
      .then((s) => {
        clusterAdmin = !!s.clusterAdmin;
        setAdmin(clusterAdmin);
        return api<{ instances: Instance[] }>('/api/instances');
      })
      .then(({ instances: found }) => {
        if (found.length === 0) window.location.replace('/no-access');
        // A cluster admin stays here: the way to the admin screens is on this page.
        else if (found.length === 1 && !clusterAdmin) window.location.replace(found[0]!.launchUrl);
        else setInstances(found);
      })
      .catch((e) => {
        if (e instanceof ApiFailure && (e.status === 401 || e.status === 403))
          window.location.replace('/signin');
      });
  }, []);

  async function signOut() {
    // After an organization sign-in, the provider's own session ends too.
    const out = await api<{ redirect?: string }>('/api/auth/logout', {});
    window.location.assign(out.redirect ?? '/signin');
  }

  return (
    <Card title="Choose a library">
      {!instances && <p>Loading…</p>}
      {instances && (
        <ul style={{ listStyle: 'none', padding: 0, margin: '0 0 18px', display: 'grid', gap: 10 }}>
          {instances.map((i) => (
            <li key={i.name}>
              <a
                href={i.launchUrl}
                data-library={i.name}
                style={{
                  display: 'flex',
                  alignItems: 'center',
                  gap: 12,
                  padding: '12px 14px',
                  border: '1px solid #ddd',
                  borderRadius: 8,
                  color: 'inherit',
                  textDecoration: 'none',
                }}
              >
                <span
                  aria-hidden
                  style={{
                    flex: '0 0 40px',
                    height: 40,
                    borderRadius: 8,
                    background: '#2f5d50',
                    color: '#fff',
                    display: 'grid',
                    placeItems: 'center',
                    fontWeight: 700,
                    fontSize: 18,
                  }}
                >
                  {i.name.slice(0, 1).toUpperCase()}
                </span>
                <span style={{ minWidth: 0, flex: 1 }}>
                  <strong
                    style={{ display: 'block', fontSize: 17, overflow: 'hidden', textOverflow: 'ellipsis' }}
                  >
                    {i.name}
                  </strong>
                  <span style={{ color: '#666', fontSize: 13, overflowWrap: 'anywhere' }}>
                    {new URL(i.url).host}
                  </span>
                </span>
                <span
                  data-role
                  style={{
                    fontSize: 13,
                    padding: '2px 8px',
                    borderRadius: 10,
                    background: '#e6efec',
                    color: '#2f5d50',
                  }}
                >
                  {i.role}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <p style={{ display: 'flex', gap: 16, alignItems: 'center' }}>
        <button type="button" style={button} onClick={signOut}>
          Sign out
        </button>
        <a href="/account">Your account</a>
        {admin && <a href="/admin/users">Cluster admin</a>}
      </p>
    </Card>
  );
}
