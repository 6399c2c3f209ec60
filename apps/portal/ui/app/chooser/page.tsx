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

  useEffect(() => {
    api('/api/session')
      .then(() => api<{ instances: Instance[] }>('/api/instances'))
      .then(({ instances: found }) => {
        if (found.length === 0) window.location.replace('/no-access');
        else if (found.length === 1) window.location.replace(found[0]!.launchUrl);
        else setInstances(found);
      })
      .catch((e) => {
        if (e instanceof ApiFailure && (e.status === 401 || e.status === 403))
          window.location.replace('/signin');
      });
  }, []);

  async function signOut() {
    await api('/api/auth/logout', {});
    window.location.assign('/signin');
  }

  return (
    <Card title="Choose a library">
      {!instances && <p>Loading…</p>}
      {instances && (
        <ul style={{ listStyle: 'none', padding: 0 }}>
          {instances.map((i) => (
            <li key={i.name} style={{ margin: '10px 0' }}>
              <a href={i.launchUrl} style={{ fontSize: 18 }}>
                {i.name}
              </a>{' '}
              <span style={{ color: '#777' }}>as {i.role}</span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" style={button} onClick={signOut}>
        Sign out
      </button>
    </Card>
  );
}
