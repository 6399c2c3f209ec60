'use client';

import { useEffect, useState } from 'react';
import { api, session } from '../lib/api';
import { button, Card } from '../lib/ui';

export default function NoAccessPage() {
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    session()
      .then((s) => setAdmin(!!s.clusterAdmin))
      .catch(() => undefined);
  }, []);
  async function signOut() {
    await api('/api/session');
    // After an organization sign-in, the provider's own session ends too.
    const out = await api<{ redirect?: string }>('/api/auth/logout', {});
    window.location.assign(out.redirect ?? '/signin');
  }
  return (
    <Card title="No library yet">
      <p>
        You are signed in, but no library has been opened to you. Ask an admin of this Atrium cluster to give
        you access.
      </p>
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
