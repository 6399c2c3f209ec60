'use client';

import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'next/navigation';
import { api, describe, interactionFrom, nextPage } from '../lib/api';
import { button, Card, ErrorText, input } from '../lib/ui';

function SignInForm() {
  const params = useSearchParams();
  const uid = interactionFrom(params);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [mail, setMail] = useState<{ passwordReset: boolean; selfRegistration: boolean }>();

  useEffect(() => {
    api<{ passwordReset: boolean; selfRegistration: boolean }>('/api/mail-options').then(
      setMail,
      () => undefined,
    );
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ next: string }>('/api/auth/password', {
        username: form.get('username'),
        password: form.get('password'),
      });
      window.location.assign(nextPage(result.next, uid));
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  }

  return (
    <Card title="Sign in to Atrium">
      {params.get('reauth') && <p>Please confirm it is you.</p>}
      <form onSubmit={submit}>
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required autoFocus style={input} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          style={input}
        />
        <ErrorText message={error} />
        <button type="submit" disabled={busy} style={button}>
          Sign in
        </button>
      </form>
      {(mail?.passwordReset || mail?.selfRegistration) && (
        <p style={{ display: 'flex', flexWrap: 'wrap', gap: 16, marginBottom: 0 }}>
          {mail.passwordReset && <a href="/reset">Forgot your password?</a>}
          {mail.selfRegistration && <a href="/register">Create an account</a>}
        </p>
      )}
    </Card>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
