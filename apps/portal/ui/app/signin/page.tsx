'use client';

import { Suspense, useEffect, useState, type CSSProperties, type FormEvent } from 'react';
import { useSearchParams } from 'next/navigation';
import { api, describe, interactionFrom, nextPage } from '../lib/api';
import { button, Card, ErrorText, input } from '../lib/ui';

interface SignInMethods {
  providers: { id: string; name: string; url: string }[];
  directory: boolean;
}

const providerButton: CSSProperties = {
  display: 'block',
  padding: '10px 14px',
  border: '1px solid #2f5d50',
  borderRadius: 6,
  color: '#2f5d50',
  textAlign: 'center',
  textDecoration: 'none',
  fontWeight: 600,
  overflowWrap: 'anywhere',
};
const divider: CSSProperties = { color: '#666', fontSize: 14, textAlign: 'center', margin: '18px 0 6px' };

function SignInForm() {
  const params = useSearchParams();
  const uid = interactionFrom(params);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [mail, setMail] = useState<{ passwordReset: boolean; selfRegistration: boolean }>();
  const [methods, setMethods] = useState<SignInMethods>();
  useEffect(() => {
    api<SignInMethods>('/api/auth/methods').then(setMethods, () =>
      setMethods({ providers: [], directory: false }),
    );
  }, []);

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
      {methods && methods.providers.length > 0 && (
        <>
          <div style={{ display: 'grid', gap: 10 }}>
            {methods.providers.map((p) => (
              <a
                key={p.id}
                href={uid ? `${p.url}?interaction=${encodeURIComponent(uid)}` : p.url}
                style={providerButton}
              >
                Continue with {p.name}
              </a>
            ))}
          </div>
          <p style={divider}>or with a username and password</p>
        </>
      )}
      <form onSubmit={submit}>
        <label htmlFor="username">
          {methods?.directory ? 'Username (your organization’s sign-in name)' : 'Username'}
        </label>
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
