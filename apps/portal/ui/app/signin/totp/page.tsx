'use client';

import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'next/navigation';
import { api, describe, interactionFrom, nextPage, session, withInteraction } from '../../lib/api';
import { button, Card, ErrorText, input, linkButton } from '../../lib/ui';

function TotpForm() {
  const uid = interactionFrom(useSearchParams());
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Also fetches the CSRF token of the half-signed-in session.
    session().then((s) => {
      if (s.stage !== 'password') window.location.replace(withInteraction('/signin', uid));
    });
  }, [uid]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = new FormData(event.currentTarget).get('code');
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ next: string }>(recovery ? '/api/auth/recovery' : '/api/auth/totp', {
        code,
      });
      window.location.assign(nextPage(result.next, uid));
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  }

  return (
    <Card title="Two-step verification">
      <form onSubmit={submit}>
        <label htmlFor="code">{recovery ? 'Recovery code' : 'Code from your authenticator app'}</label>
        <input
          id="code"
          name="code"
          required
          autoFocus
          autoComplete="one-time-code"
          inputMode={recovery ? 'text' : 'numeric'}
          pattern={recovery ? undefined : '[0-9 ]{6,7}'}
          style={input}
        />
        <ErrorText message={error} />
        <button type="submit" disabled={busy} style={button}>
          Verify
        </button>
      </form>
      <p>
        <button type="button" style={linkButton} onClick={() => setRecovery(!recovery)}>
          {recovery ? 'Use the authenticator app' : 'Use a recovery code'}
        </button>
      </p>
    </Card>
  );
}

export default function TotpPage() {
  return (
    <Suspense>
      <TotpForm />
    </Suspense>
  );
}
