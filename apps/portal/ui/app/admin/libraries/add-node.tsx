'use client';

import { useState } from 'react';
import { adminApi, Field, fieldOf, sentence } from '../lib';
import type { Issued } from './issued';
import { AlertLine } from '../form';

const FIELDS = {
  name: ['node name', 'a node named', 'ERR_NODE_EXISTS'],
  redirectUris: ['redirect'],
  url: ['url'],
  alg: ['alg'],
};

/** Adds a library (a join token) or a generic OIDC client (explicit redirect URIs; credentials). */
export function AddNodeForm(props: {
  kind: 'instance' | 'relying_party';
  onIssued: (i: Issued) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState({
    name: '',
    url: '',
    redirectUris: '',
    alg: props.kind === 'instance' ? 'EdDSA' : 'RS256',
  });
  const [error, setError] = useState<{ field?: string; text: string }>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const err = (f: string) => (error?.field === f ? error.text : undefined);
  const rp = props.kind === 'relying_party';

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const redirectUris = values.redirectUris
        .split('\n')
        .map((u) => u.trim())
        .filter(Boolean);
      if (rp && redirectUris.length === 0) {
        setError({ field: 'redirectUris', text: 'An OIDC client needs at least one redirect URI.' });
        return;
      }
      props.onIssued(
        await adminApi<Issued>('POST', '/api/admin/nodes', {
          name: values.name,
          url: values.url,
          alg: values.alg,
          ...(rp ? { redirectUris } : {}),
        }),
      );
    } catch (caught) {
      setError({ field: fieldOf(caught, FIELDS), text: sentence(caught) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="adm-panel" aria-label={rp ? 'Add an OIDC client' : 'Add a library'}>
      <h2 style={{ marginTop: 0 }}>{rp ? 'Add an OIDC client' : 'Add a library'}</h2>
      <form onSubmit={submit} noValidate>
        {!error?.field && <AlertLine text={error?.text} />}
        <div className="adm-grid">
          <Field label="Name" error={err('name')} hint="Lowercase letters, digits and dashes, e.g. family">
            {(a) => <input {...a} name="name" value={values.name} onChange={set('name')} />}
          </Field>
          <Field
            label={rp ? 'Base URL' : 'Address (origin)'}
            error={err('url')}
            hint={rp ? 'https://app.example.org' : 'https://family.photos.example.org, no path'}
          >
            {(a) => <input {...a} name="url" type="url" value={values.url} onChange={set('url')} />}
          </Field>
          {rp && (
            <Field label="Redirect URIs" error={err('redirectUris')} hint="One per line; matched exactly.">
              {(a) => (
                <textarea
                  {...a}
                  name="redirectUris"
                  rows={3}
                  value={values.redirectUris}
                  onChange={set('redirectUris')}
                />
              )}
            </Field>
          )}
          <Field
            label="ID-token algorithm"
            error={err('alg')}
            hint={rp ? 'RS256 if the client does not know EdDSA.' : 'Libraries use EdDSA.'}
          >
            {(a) => (
              <select {...a} name="alg" value={values.alg} onChange={set('alg')}>
                <option>EdDSA</option>
                <option>RS256</option>
              </select>
            )}
          </Field>
        </div>
        <div className="adm-actions" style={{ justifyContent: 'flex-start' }}>
          <button type="submit" className="adm-btn" disabled={busy}>
            {rp ? 'Add and show credentials' : 'Add and show join token'}
          </button>
          <button type="button" className="adm-btn secondary" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
