'use client';

import { useState } from 'react';
import { adminApi, ConfirmButton, sentence, useLoad, when } from '../lib';
import { AlertLine, NoticeLine } from '../form';

interface Key {
  kid: string;
  alg: string;
  status: 'next' | 'active' | 'retiring' | 'removed' | 'revoked';
  createdAt: string;
  activatesAt: string;
  retiresAt: string | null;
  removesAt: string | null;
  revokedAt: string | null;
}

const STATUS: Record<Key['status'], string> = {
  next: 'published, signs soon',
  active: 'signing',
  retiring: 'published, no longer signs',
  removed: 'removed',
  revoked: 'revoked',
};

/** The issuer's signing keys: scheduled rotation, and the emergency revoke. */
export function Keys() {
  const keys = useLoad(() => adminApi<{ items: Key[] }>('GET', '/api/admin/keys'), []);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const live = keys.data?.items.filter((k) => k.status !== 'removed' && k.status !== 'revoked') ?? [];

  async function act(done: string, run: () => Promise<unknown>) {
    setError(undefined);
    try {
      await run();
      setNotice(done);
      keys.reload();
    } catch (e) {
      setError(sentence(e));
    }
  }

  return (
    <section aria-label="Signing keys">
      <h2>Signing keys</h2>
      <p className="adm-lead">
        The keys that sign ID tokens for every library. A rotation publishes the next key 5 minutes before it
        signs; revoking removes a key at once (for a leaked key: people stay signed in, new sign-ins use the
        next key).
      </p>
      <NoticeLine text={notice} />
      <AlertLine text={error} />
      <div className="adm-toolbar">
        <ConfirmButton
          label="Rotate keys"
          className="adm-btn secondary"
          title="Rotate the signing keys?"
          confirm="Rotate"
          testId="rotate-keys"
          onConfirm={() =>
            act('Next keys published; they sign in 5 minutes.', () =>
              adminApi('POST', '/api/admin/keys/rotate'),
            )
          }
        >
          <p>
            A new key per algorithm is published now and signs after 5 minutes; the current keys stay
            published until their tokens expire.
          </p>
        </ConfirmButton>
      </div>
      {keys.data && (
        <div className="adm-table-wrap">
          <table className="adm-table stack" aria-label="Signing keys">
            <thead>
              <tr>
                <th>Key ID</th>
                <th>Algorithm</th>
                <th>Status</th>
                <th>Signs from</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {live.map((k) => (
                <tr key={k.kid}>
                  <td data-label="Key ID" className="adm-wrap">
                    <code>{k.kid}</code>
                  </td>
                  <td data-label="Algorithm">{k.alg}</td>
                  <td data-label="Status">
                    <span className={`adm-badge ${k.status === 'active' ? 'ok' : 'warn'}`}>
                      {STATUS[k.status]}
                    </span>
                    {k.removesAt && <span className="adm-cell-why">removed {when(k.removesAt)}</span>}
                  </td>
                  <td data-label="Signs from">{when(k.activatesAt)}</td>
                  <td data-label="">
                    <ConfirmButton
                      label="Revoke now"
                      title={`Revoke ${k.kid}?`}
                      confirm="Revoke now"
                      testId={`revoke-${k.kid}`}
                      onConfirm={() =>
                        act(`Revoked ${k.kid}.`, () =>
                          adminApi('POST', `/api/admin/keys/${encodeURIComponent(k.kid)}/revoke`),
                        )
                      }
                    >
                      <p>
                        Tokens it signed stop verifying at once, and libraries refetch the keys. Use this for
                        a key that leaked.
                      </p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {live.length === 0 && <p className="adm-empty">No key yet: the portal makes one at start.</p>}
        </div>
      )}
    </section>
  );
}
