'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { api, describe } from '../lib/api';
import { button, Card, ErrorText, input, Notice } from '../lib/ui';

/** "Forgot your password?": the answer never says whether the address has an account. */
export default function ResetRequestPage() {
  const [available, setAvailable] = useState<boolean>();
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ passwordReset: boolean }>('/api/mail-options')
      .then((o) => setAvailable(o.passwordReset))
      .catch(() => setAvailable(false));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ message: string }>('/api/password-reset', { email: form.get('email') });
      setSent(result.message);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  if (available === false) {
    return (
      <Card title="Reset your password">
        <p>This portal cannot send mail. Ask your administrator to set a new password for you.</p>
        <p>
          <a href="/signin">Back to sign-in</a>
        </p>
      </Card>
    );
  }
  return (
    <Card title="Reset your password">
      {sent ? (
        <>
          <Notice message={sent} />
          <p>The link in the mail works once, for one hour.</p>
        </>
      ) : (
        <form onSubmit={submit}>
          <p>Enter the email address of your account. We will mail you a link to choose a new password.</p>
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
          <button type="submit" disabled={busy || available === undefined} style={button}>
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
