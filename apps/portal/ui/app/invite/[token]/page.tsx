'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'next/navigation';
import { api, describe } from '../../lib/api';
import { button, Card, ErrorText, input, muted, NewPasswordFields } from '../../lib/ui';

interface Invitation {
  kind: 'invite' | 'register';
  email: string;
  name: string;
  suggestedUsername: string;
  expiresAt: string;
}

/** An invitation or registration link from a mail: choose a username and password, then TOTP. */
export default function InvitationPage() {
  const { token } = useParams<{ token: string }>();
  const [invitation, setInvitation] = useState<Invitation | null>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<Invitation>(`/api/invitations/${encodeURIComponent(token)}`)
      .then(setInvitation)
      .catch(() => setInvitation(null));
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
      const result = await api<{ next: string }>(`/api/invitations/${encodeURIComponent(token)}`, {
        username: form.get('username'),
        password: form.get('password'),
        name: form.get('name') || undefined,
      });
      window.location.assign(result.next === 'enrol_totp' ? '/signin/enrol' : '/signin/enrol?optional=1');
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  }

  if (invitation === null) {
    return (
      <Card title="Link not valid">
        <p>This link is invalid, was already used, or has expired. Ask whoever invited you for a new one.</p>
        <p>
          <a href="/signin">Go to sign-in</a>
        </p>
      </Card>
    );
  }
  if (!invitation) return <Card title="Loading…">{null}</Card>;
  return (
    <Card title={invitation.kind === 'invite' ? 'You are invited to Atrium' : 'Finish creating your account'}>
      <p>
        For <strong style={{ wordBreak: 'break-all' }}>{invitation.email}</strong>. Choose how you will sign
        in.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          defaultValue={invitation.suggestedUsername}
          autoComplete="username"
          required
          maxLength={63}
          style={input}
        />
        <label htmlFor="name">Your name (optional)</label>
        <input
          id="name"
          name="name"
          defaultValue={invitation.name}
          autoComplete="name"
          maxLength={200}
          style={input}
        />
        <NewPasswordFields
          name="password"
          label="Password (at least 8 characters)"
          repeatLabel="Repeat the password"
        />
        <ErrorText message={error} />
        <button type="submit" disabled={busy} style={button}>
          Create my account
        </button>
      </form>
      <p style={muted}>The link works once, until {new Date(invitation.expiresAt).toLocaleString()}.</p>
    </Card>
  );
}
