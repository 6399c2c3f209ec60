'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import { linkButton, Page, Section } from '../lib/ui';
import { AppPasswordsSection } from './app-passwords';
import { PasswordSection, SessionsSection, TwoStepSection, type OwnSession, type Summary } from './sections';

/** The account page: every signed-in person's password, second factor, sessions and app passwords. */
export default function AccountPage() {
  const [summary, setSummary] = useState<Summary>();
  const [sessions, setSessions] = useState<OwnSession[]>([]);

  const reload = useCallback(() => {
    api<Summary>('/api/account')
      .then(setSummary)
      .catch((e) => {
        if (e instanceof ApiFailure && (e.status === 401 || e.status === 403))
          window.location.replace('/signin');
      });
    api<{ sessions: OwnSession[] }>('/api/account/sessions')
      .then((r) => setSessions(r.sessions))
      .catch(() => setSessions([]));
  }, []);

  useEffect(() => {
    // The session answer carries the CSRF token every change below needs.
    api('/api/session').then(reload, reload);
  }, [reload]);

  async function signOut() {
    await api('/api/auth/logout', {});
    window.location.assign('/signin');
  }

  const nav = (
    <nav style={{ display: 'flex', gap: 16 }}>
      <a href="/chooser" style={{ color: '#2f5d50' }}>
        Libraries
      </a>
      <button type="button" style={linkButton} onClick={signOut}>
        Sign out
      </button>
    </nav>
  );
  if (!summary) return <Page title="Your account">{null}</Page>;
  return (
    <Page title="Your account" nav={nav}>
      <Section title={summary.name || summary.username} id="profile">
        <p style={{ margin: 0, overflowWrap: 'anywhere' }}>
          Username <strong>{summary.username}</strong>
          {summary.email && <> · {summary.email}</>}
          {summary.clusterAdmin && ' · cluster admin'}
        </p>
      </Section>
      <PasswordSection summary={summary} />
      <TwoStepSection summary={summary} reload={reload} />
      <SessionsSection sessions={sessions} reload={reload} />
      {summary.appPasswords && <AppPasswordsSection />}
    </Page>
  );
}
