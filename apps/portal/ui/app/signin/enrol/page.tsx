'use client';

import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'next/navigation';
import {
  afterSignIn,
  api,
  ApiFailure,
  describe,
  interactionFrom,
  session,
  withInteraction,
} from '../../lib/api';
import { button, Card, ErrorText, input } from '../../lib/ui';

function EnrolForm() {
  const params = useSearchParams();
  const uid = interactionFrom(params);
  // From the account page it goes back there; after an invitation, enrolling may be optional.
  const done = params.get('return') === 'account' ? '/account' : afterSignIn(uid);
  const optional = params.get('optional') === '1';
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string; qr: string }>();
  const [codes, setCodes] = useState<string[]>();
  const [error, setError] = useState<string>();
  // Replacing an authenticator already set up takes a code from it (or a recovery code).
  const [askCurrent, setAskCurrent] = useState(false);

  useEffect(() => {
    session()
      .then((s) => {
        if (s.stage !== 'enrol_totp' && s.stage !== 'full') throw new Error('not signed in');
        return api<{ secret: string; uri: string; qr: string }>('/api/auth/totp/enrol', {});
      })
      .then(setEnrolment)
      .catch(() => window.location.replace(withInteraction('/signin', uid)));
  }, [uid]);

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    const form = new FormData(event.currentTarget);
    try {
      const result = await api<{ recoveryCodes: string[] }>('/api/auth/totp/confirm', {
        code: form.get('code'),
        ...(askCurrent ? { currentCode: form.get('currentCode') } : {}),
      });
      setCodes(result.recoveryCodes);
    } catch (e) {
      if (e instanceof ApiFailure && e.error.details?.field === 'currentCode') setAskCurrent(true);
      setError(describe(e));
    }
  }

  if (codes) {
    return (
      <Card title="Keep your recovery codes">
        <p>
          Each code signs you in once if you lose your authenticator. Store them somewhere safe: they are not
          shown again.
        </p>
        <pre data-testid="recovery-codes" style={{ background: '#f3f3f3', padding: 12 }}>
          {codes.join('\n')}
        </pre>
        <button type="button" style={button} onClick={() => window.location.assign(done)}>
          Continue
        </button>
      </Card>
    );
  }
  return (
    <Card title="Set up two-step verification">
      <p>Scan this code with your authenticator app (or type the key below), then enter the code it shows.</p>
      {enrolment && (
        <>
          <img
            data-testid="totp-qr"
            src={enrolment.qr}
            alt="QR code for your authenticator app"
            width={200}
            height={200}
          />
          <p>
            <code data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
              {enrolment.secret}
            </code>
          </p>
          <p>
            <a href={enrolment.uri}>Open in authenticator app</a>
          </p>
        </>
      )}
      <form onSubmit={confirm}>
        <label htmlFor="code">Code</label>
        <input
          id="code"
          name="code"
          required
          inputMode="numeric"
          autoComplete="one-time-code"
          style={input}
        />
        {askCurrent && (
          <>
            <label htmlFor="currentCode">Code from your current authenticator, or a recovery code</label>
            <input id="currentCode" name="currentCode" required autoComplete="off" style={input} />
          </>
        )}
        <ErrorText message={error} />
        <button type="submit" style={button} disabled={!enrolment}>
          Confirm
        </button>
      </form>
      {optional && (
        <p>
          <a href={done}>Not now</a>{' '}
          <span style={{ color: '#666' }}>(you can set it up later on your account page)</span>
        </p>
      )}
      {params.get('return') === 'account' && (
        <p>
          <a href="/account">Cancel</a>
        </p>
      )}
    </Card>
  );
}

export default function EnrolPage() {
  return (
    <Suspense>
      <EnrolForm />
    </Suspense>
  );
}
