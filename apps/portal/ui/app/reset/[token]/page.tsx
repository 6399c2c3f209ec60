'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'next/navigation';
import { api, describe } from '../../lib/api';
import { button, Card, ErrorText, NewPasswordFields, Notice } from '../../lib/ui';

/** The reset link from a mail: a new password, then every session of the account has ended. */
export default function ResetPage() {
  const { token } = useParams<{ token: string }>();
  const [username, setUsername] = useState<string | null>();
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ username: string }>(`/api/password-reset/${encodeURIComponent(token)}`)
      .then((r) => setUsername(r.username))
      .catch(() => setUsername(null));
  }, [token]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get('password') !== form.get('repeat')) {
      setError('The passwords differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/password-reset/${encodeURIComponent(token)}`, { password: form.get('password') });
      setDone(true);
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  }

  if (username === null) {
    return (
      <Card title="Link not valid">
        <p>This link is invalid, was already used, or has expired.</p>
        <p>
          <a href="/reset">Ask for a new link</a>
        </p>
      </Card>
    );
  }
  if (done) {
    return (
      <Card title="Password changed">
        <Notice message="Your new password is set. You were signed out everywhere." />
        <p>
          <a href="/signin">Sign in</a>
        </p>
      </Card>
    );
  }
  return (
    <Card title="Choose a new password">
      {username && (
        <p>
          For the account <strong>{username}</strong>. Saving it signs this account out everywhere.
        </p>
      )}
      <form onSubmit={submit}>
        <input type="hidden" name="username" autoComplete="username" value={username ?? ''} />
        <NewPasswordFields
          name="password"
          label="New password (at least 8 characters)"
          repeatLabel="Repeat the new password"
        />
        <ErrorText message={error} />
        <button type="submit" disabled={busy || !username} style={button}>
          Save the new password
        </button>
      </form>
    </Card>
  );
}
