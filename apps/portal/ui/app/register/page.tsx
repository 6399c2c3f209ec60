'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { api, describe } from '../lib/api';
import { button, Card, ErrorText, input, Notice } from '../lib/ui';

/** Self-registration (ATRIUM_SELF_REGISTRATION=true): a mailed link finishes the account. */
export default function RegisterPage() {
  const [open, setOpen] = useState<boolean>();
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ selfRegistration: boolean }>('/api/mail-options')
      .then((o) => setOpen(o.selfRegistration))
      .catch(() => setOpen(false));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      setSent((await api<{ message: string }>('/api/register', { email: form.get('email') })).message);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  if (open === false) {
    return (
      <Card title="Create an account">
        <p>Accounts on this portal are made by invitation. Ask your administrator.</p>
        <p>
          <a href="/signin">Back to sign-in</a>
        </p>
      </Card>
    );
  }
  return (
    <Card title="Create an account">
      {sent ? (
        <Notice message={sent} />
      ) : (
        <form onSubmit={submit}>
          <p>
            We will mail you a link to choose your username and password. An administrator decides which
            libraries you may open.
          </p>
          <label htmlFor="email">Email address</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            style={input}
          />
          <ErrorText message={error} />
          <button type="submit" disabled={busy || open === undefined} style={button}>
            Send the link
          </button>
        </form>
      )}
      <p>
        <a href="/signin">Back to sign-in</a>
      </p>
    </Card>
  );
}
