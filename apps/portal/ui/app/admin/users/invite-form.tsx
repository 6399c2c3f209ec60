'use client';

import { useState } from 'react';
import { adminApi, Field, fieldOf, ROLES, sentence, when } from '../lib';
import { AlertLine } from '../form';

interface Invitation {
  email: string;
  expiresAt: string;
  mailed: boolean;
  link?: string;
}

/** Invites an address (`atrium users invite`): mailed when the portal has SMTP, else a link to hand over. */
export function InviteForm({ onDone }: { onDone: () => void }) {
  const [values, setValues] = useState({ email: '', name: '', role: 'user', groups: '' });
  const [error, setError] = useState<{ field?: string; text: string }>();
  const [sent, setSent] = useState<Invitation>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const err = (f: string) => (error?.field === f ? error.text : undefined);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setSent(
        await adminApi<Invitation>('POST', '/api/admin/users/invitations', {
          email: values.email.trim(),
          name: values.name || undefined,
          role: values.role,
          groups: values.groups
            .split('\n')
            .map((g) => g.trim())
            .filter(Boolean),
        }),
      );
    } catch (caught) {
      setError({
        field: fieldOf(caught, { email: ['email', 'address'], role: ['ERR_ROLE'], groups: ['group'] }),
        text: sentence(caught),
      });
    } finally {
      setBusy(false);
    }
  }

  if (sent)
    return (
      <div className="adm-once" style={{ paddingLeft: 12 }} data-testid="invited">
        {sent.mailed ? (
          <p>
            Invitation mailed to {sent.email}; the link works once, until {when(sent.expiresAt)}.
          </p>
        ) : (
          <>
            <p>
              <strong>This portal sends no mail</strong> (no SMTP_URL), so hand this link to {sent.email}{' '}
              yourself. It is shown only once and works once, until {when(sent.expiresAt)}.
            </p>
            <pre className="adm-secret" data-testid="invite-link">
              {sent.link}
            </pre>
          </>
        )}
        <button type="button" className="adm-btn" onClick={onDone}>
          Done
        </button>
      </div>
    );

  return (
    <form onSubmit={submit} noValidate aria-label="Invite">
      {!error?.field && <AlertLine text={error?.text} />}
      <div className="adm-grid">
        <Field label="Email" error={err('email')}>
          {(a) => (
            <input {...a} name="inviteEmail" type="email" value={values.email} onChange={set('email')} />
          )}
        </Field>
        <Field label="Full name">
          {(a) => <input {...a} name="inviteName" value={values.name} onChange={set('name')} />}
        </Field>
        <Field label="Account role" error={err('role')}>
          {(a) => (
            <select {...a} name="inviteRole" value={values.role} onChange={set('role')}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Groups kept on the portal" error={err('groups')} hint="One per line.">
          {(a) => (
            <textarea {...a} name="inviteGroups" rows={2} value={values.groups} onChange={set('groups')} />
          )}
        </Field>
      </div>
      <div className="adm-actions" style={{ justifyContent: 'flex-start' }}>
        <button type="submit" className="adm-btn" disabled={busy}>
          Send invitation
        </button>
        <button type="button" className="adm-btn secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
