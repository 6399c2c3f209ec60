'use client';

import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, describe } from './api';
import { button, Card, ErrorText, input, Notice } from './ui';

/** Which /api/mail-options flag says the page's link can be mailed. */
type MailOption = 'selfRegistration' | 'passwordReset';

/**
 * The "mail me a link" card that self-registration and password reset share: it asks
 * /api/mail-options whether the link can be sent, posts the address, and shows the server's answer
 * (which never says whether the address has an account).
 */
export function EmailLinkForm(props: {
  title: string;
  option: MailOption;
  endpoint: string;
  unavailable: ReactNode;
  intro: ReactNode;
  afterSent?: ReactNode;
}) {
  const { title, option, endpoint } = props;
  const [available, setAvailable] = useState<boolean>();
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<Record<MailOption, boolean>>('/api/mail-options')
      .then((o) => setAvailable(o[option]))
      .catch(() => setAvailable(false));
  }, [option]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      setSent((await api<{ message: string }>(endpoint, { email: form.get('email') })).message);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  const back = (
    <p>
      <a href="/signin">Back to sign-in</a>
    </p>
  );
  if (available === false) {
    return (
      <Card title={title}>
        {props.unavailable}
        {back}
      </Card>
    );
  }
  return (
    <Card title={title}>
      {sent ? (
        <>
          <Notice message={sent} />
          {props.afterSent}
        </>
      ) : (
        <form onSubmit={submit}>
          {props.intro}
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
      {back}
    </Card>
  );
}
