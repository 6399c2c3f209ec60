'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'next/navigation';
import { api, describe } from '../../lib/api';
import { button, Card, ErrorText, input } from '../../lib/ui';

/** The first-admin link printed by `atrium start`: a username and password, then TOTP enrolment. */
export default function SetupPage() {
  const { token } = useParams<{ token: string }>();
  const [valid, setValid] = useState<boolean>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api<{ valid: boolean }>(`/api/setup/${encodeURIComponent(token)}`)
      .then((r) => setValid(r.valid))
      .catch(() => setValid(false));
  }, [token]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get('password') !== form.get('repeat')) {
      setError('The passwords differ.');
      return;
    }
    try {
      await api(`/api/setup/${encodeURIComponent(token)}`, {
        username: form.get('username'),
        password: form.get('password'),
      });
      window.location.assign('/signin/enrol');
    } catch (e) {
      setError(describe(e));
    }
  }

  if (valid === false) {
    return (
      <Card title="Link not valid">
        <p>This setup link is invalid, used or expired. Restart atrium start for a new one, or sign in.</p>
      </Card>
    );
  }
  return (
    <Card title="Create the first cluster admin">
      <p>This account manages the cluster: libraries, people and access. It opens no library by itself.</p>
      <form onSubmit={submit}>
        <label htmlFor="username">Username</label>
        <input id="username" name="username" required autoComplete="username" style={input} />
        <label htmlFor="password">Password (at least 8 characters)</label>
        <input
          id="password"
          name="password"
          type="password"
          minLength={8}
          required
          autoComplete="new-password"
          style={input}
        />
        <label htmlFor="repeat">Repeat password</label>
        <input
          id="repeat"
          name="repeat"
          type="password"
          minLength={8}
          required
          autoComplete="new-password"
          style={input}
        />
        <ErrorText message={error} />
        <button type="submit" style={button} disabled={valid !== true}>
          Continue
        </button>
      </form>
    </Card>
  );
}
