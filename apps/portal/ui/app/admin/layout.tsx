'use client';

import './admin.css';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { adminApi, setCsrfToken } from './lib';

const NAV = [
  ['/admin/users', 'Users'],
  ['/admin/libraries', 'Libraries'],
  ['/admin/access', 'Access'],
  ['/admin/matrix', 'Effective access'],
  ['/admin/sessions', 'Sessions'],
  ['/admin/audit', 'Audit'],
] as const;

interface Me {
  username: string;
  name: string;
  csrfToken: string;
}

/** Every admin screen: who is signed in, the way to the chooser and out, and the screens. */
export default function AdminLayout({ children }: { children: ReactNode }) {
  const path = usePathname();
  const [me, setMe] = useState<Me>();
  useEffect(() => {
    adminApi<Me>('GET', '/api/admin/me')
      .then((m) => {
        setCsrfToken(m.csrfToken);
        setMe(m);
      })
      .catch(() => window.location.assign('/signin'));
  }, []);

  async function signOut() {
    await adminApi('POST', '/api/auth/logout', {}).catch(() => undefined);
    window.location.assign('/signin');
  }

  return (
    <div className="adm">
      <header className="adm-head">
        <Link href="/admin/users" className="adm-brand">
          Atrium · cluster admin
        </Link>
        {me && (
          <span className="adm-who" data-testid="admin-name" title={me.username}>
            {me.name || me.username}
          </span>
        )}
        <a href="/chooser">Your libraries</a>
        <button type="button" className="adm-link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav className="adm-nav" aria-label="Admin screens">
        {NAV.map(([href, label]) => (
          <Link key={href} href={href} aria-current={path?.startsWith(href) ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <main className="adm-main">{me ? children : <p>Loading…</p>}</main>
    </div>
  );
}
