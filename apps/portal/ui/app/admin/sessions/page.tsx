'use client';

import { useState } from 'react';
import { adminApi, ago, ConfirmButton, Field, query, sentence, useLoad, when } from '../lib';
import { AlertLine, NoticeLine } from '../form';
import { Pager } from '../pager';

interface Session {
  ref: string;
  username: string;
  stage: string;
  amr: string[];
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

const PAGE = 50;

function how(s: Session): string {
  if (s.stage !== 'full') return 'half signed in';
  if (s.amr.includes('fed')) return 'organization sign-in';
  return s.amr.includes('mfa') ? 'password + TOTP' : 'password';
}

/** Portal sessions: end one, or all of a user's (libraries sign them out through the outbox). */
export default function SessionsPage() {
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState<string>();
  const list = useLoad(
    () =>
      adminApi<{ items: Session[]; more: boolean }>(
        'GET',
        `/api/admin/sessions${query({ q: applied, offset, limit: PAGE })}`,
      ),
    [applied, offset],
  );

  async function act(done: string, run: () => Promise<unknown>) {
    try {
      await run();
      setNotice(done);
    } catch (e) {
      setNotice(sentence(e));
    }
    list.reload();
  }

  return (
    <>
      <h1>Sessions</h1>
      <p className="adm-lead">
        Who is signed in at the portal. Ending a session also signs it out of every library it opened, within
        seconds.
      </p>
      <NoticeLine text={notice} />
      <form
        className="adm-toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(q);
        }}
      >
        <Field label="Search">
          {(a) => (
            <input
              {...a}
              name="q"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder="username or address"
            />
          )}
        </Field>
        <button type="submit" className="adm-btn secondary">
          Search
        </button>
      </form>
      <AlertLine text={list.error} />
      {list.data && (
        <>
          <div className="adm-table-wrap">
            <table className="adm-table stack" aria-label="Sessions">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Signed in</th>
                  <th>Last active</th>
                  <th>From</th>
                  <th>Ends</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr key={s.ref} data-testid={`session-${s.username}`}>
                    <td data-label="User" className="adm-wrap">
                      {s.username} {s.current && <span className="adm-badge ok">you, here</span>}
                      <span className="adm-cell-why">{how(s)}</span>
                    </td>
                    <td data-label="Signed in">{when(s.createdAt)}</td>
                    <td data-label="Last active">{ago(s.lastSeenAt)}</td>
                    <td data-label="From" className="adm-wrap">
                      {s.ip ?? '—'}
                      <span className="adm-cell-why">{s.userAgent?.slice(0, 80)}</span>
                    </td>
                    <td data-label="Ends">{when(s.expiresAt)}</td>
                    <td data-label="">
                      <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
                        <ConfirmButton
                          label="End"
                          title={`End this session of ${s.username}?`}
                          confirm="End session"
                          testId={`end-${s.ref}`}
                          onConfirm={() =>
                            act(`Ended a session of ${s.username}.`, () =>
                              adminApi('DELETE', `/api/admin/sessions/${encodeURIComponent(s.ref)}`),
                            )
                          }
                        >
                          <p>
                            {s.current
                              ? 'This is your own session: you will be signed out.'
                              : 'They are signed out of the portal and the libraries opened from it.'}
                          </p>
                        </ConfirmButton>
                        <ConfirmButton
                          label="End all of user"
                          className="adm-btn secondary small"
                          title={`Sign ${s.username} out everywhere?`}
                          confirm="End all"
                          testId={`end-all-${s.ref}`}
                          onConfirm={() =>
                            act(`Signed ${s.username} out everywhere.`, () =>
                              adminApi(
                                'DELETE',
                                `/api/admin/users/${encodeURIComponent(s.username)}/sessions`,
                              ),
                            )
                          }
                        >
                          <p>Every portal session of {s.username} ends, and every library signs them out.</p>
                        </ConfirmButton>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.data.items.length === 0 && (
              <p className="adm-empty">{applied ? 'No session matches.' : 'Nobody is signed in.'}</p>
            )}
          </div>
          <Pager
            hasPrevious={offset > 0}
            hasNext={list.data.more}
            onPrevious={() => setOffset(Math.max(0, offset - PAGE))}
            onNext={() => setOffset(offset + PAGE)}
          />
        </>
      )}
    </>
  );
}
