'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure, silentSignIn, rememberCsrfToken, type Session } from '../lib/api';
import { navFor } from '../lib/nav';
import { SignIn } from './SignIn';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; reason: string | null }
  | { kind: 'signed-in'; session: Session };

const link = { color: 'inherit', textDecoration: 'none', padding: '6px 10px', borderRadius: 6 };

function Header({ session, current }: { session: Session; current: string }) {
  return (
    <header style={{ borderBottom: '1px solid #e2dfd8', background: '#fff' }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, padding: '10px 14px' }}>
        <a href="/" style={{ ...link, padding: 0, fontSize: 20, fontWeight: 600 }} id="library-name">
          {session.library}
        </a>
        <a
          id="other-libraries"
          href={`${session.portalUrl}/chooser`}
          style={{ color: '#2f5d50', fontSize: 14 }}
        >
          Other libraries
        </a>
        <span style={{ flex: 1 }} />
        <span
          id="signed-in-as"
          title={session.username}
          style={{ maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
        >
          {session.name ?? session.username}
        </span>
        <span id="role" style={{ fontSize: 13, padding: '2px 8px', borderRadius: 10, background: '#e6efe9' }}>
          {session.role}
        </span>
        <form method="post" action="/auth/logout" style={{ margin: 0 }}>
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <button type="submit">Sign out</button>
        </form>
      </div>
      <nav
        id="nav"
        aria-label="Library"
        style={{ display: 'flex', gap: 4, padding: '0 8px 6px', overflowX: 'auto' }}
      >
        {navFor(session).map((entry) => (
          <a
            key={entry.key}
            id={`nav-${entry.key}`}
            href={entry.href}
            aria-current={entry.key === current ? 'page' : undefined}
            style={{
              ...link,
              whiteSpace: 'nowrap',
              background: entry.key === current ? '#e6efe9' : 'transparent',
              fontWeight: entry.key === current ? 600 : 400,
            }}
          >
            {entry.label}
          </a>
        ))}
      </nav>
    </header>
  );
}

/**
 * Every signed-in screen: the library's name, who is signed in and with which role, the way back to
 * the portal's chooser, and the navigation; the sign-in page for someone without a session.
 */
export function Shell({ current, children }: { current: string; children: (session: Session) => ReactNode }) {
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const reason = params.get('signin');
    api<Session>('/api/session')
      .then((session) => {
        rememberCsrfToken(session.csrfToken);
        setState({ kind: 'signed-in', session });
      })
      .catch((e) => {
        // A lapsed session signs in again silently, unless that was just tried.
        if (e instanceof ApiFailure && e.error.code === 'ERR_SESSION_EXPIRED' && !reason) silentSignIn();
        else setState({ kind: 'signed-out', reason });
      });
  }, []);

  if (state.kind === 'loading') return <p style={{ padding: 20 }}>Loading…</p>;
  if (state.kind === 'signed-out')
    return <SignIn reason={state.reason} returnTo={`${window.location.pathname}${window.location.search}`} />;
  return (
    <>
      <Header session={state.session} current={current} />
      <main style={{ maxWidth: 1600, margin: '0 auto', padding: '0 14px 40px' }}>
        {children(state.session)}
      </main>
    </>
  );
}
