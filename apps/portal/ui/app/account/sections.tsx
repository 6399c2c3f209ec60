'use client';

import { useState, type FormEvent } from 'react';
import { api, describe } from '../lib/api';
import {
  button,
  ErrorText,
  input,
  muted,
  NewPasswordFields,
  Notice,
  secondaryButton,
  Section,
} from '../lib/ui';

export interface Summary {
  username: string;
  name: string;
  email: string | null;
  authProvider: string;
  hasPassword: boolean;
  totp: boolean;
  recoveryCodesLeft: number;
  clusterAdmin: boolean;
  appPasswords: boolean;
}

export interface OwnSession {
  ref: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** A short name for a browser from its user agent: "Chrome on Linux". */
function device(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(/[\s/]/)[0]!.slice(0, 40);
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

export function PasswordSection({ summary }: { summary: Summary }) {
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  if (summary.authProvider !== 'local' || !summary.hasPassword) {
    return (
      <Section title="Password" id="password">
        <p style={muted}>You sign in through your organization; your password is managed there.</p>
      </Section>
    );
  }
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(undefined);
    setNotice(undefined);
    if (form.get('newPassword') !== form.get('repeat')) return setError('The new passwords differ.');
    try {
      const result = await api<{ endedSessions: number }>('/api/account/password', {
        currentPassword: form.get('currentPassword'),
        newPassword: form.get('newPassword'),
      });
      formElement.reset();
      setNotice(
        `Password changed. ${result.endedSessions === 1 ? '1 other session was' : `${result.endedSessions} other sessions were`} signed out.`,
      );
    } catch (e) {
      setError(describe(e));
    }
  }
  return (
    <Section title="Password" id="password">
      <form onSubmit={submit} style={{ maxWidth: 380 }}>
        <input type="hidden" name="username" autoComplete="username" value={summary.username} />
        <label htmlFor="currentPassword">Current password</label>
        <input
          id="currentPassword"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          style={input}
        />
        <NewPasswordFields
          name="newPassword"
          label="New password (at least 8 characters)"
          repeatLabel="Repeat the new password"
        />
        <ErrorText message={error} />
        <Notice message={notice} />
        <button type="submit" style={button}>
          Change password
        </button>
      </form>
      <p style={muted}>Changing it signs you out everywhere else.</p>
    </Section>
  );
}

export function TwoStepSection({ summary, reload }: { summary: Summary; reload: () => void }) {
  const [codes, setCodes] = useState<string[]>();
  const [error, setError] = useState<string>();
  async function regenerate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    try {
      const result = await api<{ recoveryCodes: string[] }>('/api/account/recovery-codes', {
        code: new FormData(event.currentTarget).get('code'),
      });
      setCodes(result.recoveryCodes);
      reload();
    } catch (e) {
      setError(describe(e));
    }
  }
  return (
    <Section title="Two-step verification" id="two-step">
      <p>
        {summary.totp
          ? `On: an authenticator app asks for a code at sign-in. ${summary.recoveryCodesLeft} unused recovery codes left.`
          : 'Off: only your password protects this account.'}
      </p>
      <p>
        <a
          href="/signin/enrol?return=account"
          style={{ ...secondaryButton, textDecoration: 'none', display: 'inline-block' }}
        >
          {summary.totp ? 'Replace the authenticator' : 'Set up an authenticator app'}
        </a>
      </p>
      {summary.totp && !codes && (
        <form onSubmit={regenerate} style={{ maxWidth: 380 }}>
          <label htmlFor="recovery-code">
            New recovery codes: enter a code from your app (or a recovery code)
          </label>
          <input id="recovery-code" name="code" required autoComplete="one-time-code" style={input} />
          <ErrorText message={error} />
          <button type="submit" style={secondaryButton}>
            Make new recovery codes
          </button>
        </form>
      )}
      {codes && (
        <>
          <p>
            Your new recovery codes; the old ones no longer work. Store them somewhere safe: they are not
            shown again.
          </p>
          <pre
            data-testid="recovery-codes"
            style={{ background: '#f3f3f3', padding: 12, whiteSpace: 'pre-wrap' }}
          >
            {codes.join('\n')}
          </pre>
        </>
      )}
    </Section>
  );
}

export function SessionsSection({ sessions, reload }: { sessions: OwnSession[]; reload: () => void }) {
  const [error, setError] = useState<string>();
  async function end(session: OwnSession) {
    setError(undefined);
    try {
      const result = await api<{ signedOut: boolean }>(
        `/api/account/sessions/${encodeURIComponent(session.ref)}/end`,
        {},
      );
      if (result.signedOut) window.location.assign('/signin');
      else reload();
    } catch (e) {
      setError(describe(e));
    }
  }
  return (
    <Section title="Where you are signed in" id="sessions">
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {sessions.map((s) => (
          <li
            key={s.ref}
            data-testid="session"
            style={{
              display: 'flex',
              flexWrap: 'wrap',
              gap: 8,
              alignItems: 'center',
              padding: '10px 0',
              borderTop: '1px solid #eee',
            }}
          >
            <div style={{ flex: '1 1 260px', minWidth: 0 }}>
              <strong>{device(s.userAgent)}</strong>{' '}
              {s.current && <span style={{ color: '#2f5d50' }}>· this browser</span>}
              <div style={muted}>
                {s.ip ?? 'unknown address'} · signed in {when(s.createdAt)} · last seen {when(s.lastSeenAt)}
              </div>
            </div>
            <button type="button" style={secondaryButton} onClick={() => end(s)}>
              {s.current ? 'Sign out' : 'End'}
            </button>
          </li>
        ))}
      </ul>
      <ErrorText message={error} />
      <p style={muted}>Ending a session also signs it out of the libraries it opened.</p>
    </Section>
  );
}
