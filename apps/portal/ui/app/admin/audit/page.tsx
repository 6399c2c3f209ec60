'use client';

import { useState } from 'react';
import { adminApi, Field, query, useLoad, when } from '../lib';
import { AlertLine } from '../form';
import { Pager } from '../pager';

interface AdminEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

interface SignInEntry {
  id: string;
  at: string;
  username: string;
  ip: string | null;
  method: string;
  provider: string | null;
  result: 'success' | 'partial' | 'failure';
  reason: string | null;
  userAgent: string | null;
}

type Tab = 'admin' | 'sign-ins';

function details(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

/** Both audits: admin actions (who changed what) and sign-ins with their reason codes. */
export default function AuditPage() {
  const [tab, setTab] = useState<Tab>('admin');
  const [q, setQ] = useState('');
  const [result, setResult] = useState('');
  const [applied, setApplied] = useState({ q: '', result: '' });
  const [befores, setBefores] = useState<(string | undefined)[]>([undefined]);
  const before = befores.at(-1);
  const list = useLoad(
    () =>
      adminApi<{ items: (AdminEntry | SignInEntry)[]; next: string | null }>(
        'GET',
        `/api/admin/audit/${tab}${query({ q: applied.q, result: tab === 'sign-ins' ? applied.result : undefined, before, limit: 50 })}`,
      ),
    [tab, applied, before],
  );
  const pick = (t: Tab) => {
    setTab(t);
    setBefores([undefined]);
  };

  return (
    <>
      <h1>Audit</h1>
      <p className="adm-lead">
        Every change an admin made (here or with the atrium command), and every sign-in attempt at the portal.
      </p>
      <div className="adm-tabs" role="tablist" aria-label="Audit">
        <button type="button" role="tab" aria-selected={tab === 'admin'} onClick={() => pick('admin')}>
          Admin actions
        </button>
        <button type="button" role="tab" aria-selected={tab === 'sign-ins'} onClick={() => pick('sign-ins')}>
          Sign-ins
        </button>
      </div>
      <form
        className="adm-toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setBefores([undefined]);
          setApplied({ q, result });
        }}
      >
        <Field label="Search">
          {(a) => (
            <input
              {...a}
              name="q"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder={tab === 'admin' ? 'who, action or target' : 'username, address or reason'}
            />
          )}
        </Field>
        {tab === 'sign-ins' && (
          <Field label="Result">
            {(a) => (
              <select {...a} name="result" value={result} onChange={(e) => setResult(e.target.value)}>
                <option value="">any</option>
                <option value="failure">failures</option>
                <option value="success">successes</option>
                <option value="partial">first step only</option>
              </select>
            )}
          </Field>
        )}
        <button type="submit" className="adm-btn secondary">
          Search
        </button>
      </form>
      <AlertLine text={list.error} />
      {list.data && (
        <>
          <div className="adm-table-wrap">
            {tab === 'admin' ? (
              <table className="adm-table stack" aria-label="Admin actions">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>Action</th>
                    <th>Target</th>
                    <th>Details</th>
                  </tr>
                </thead>
                <tbody>
                  {(list.data.items as AdminEntry[]).map((e) => (
                    <tr key={e.id}>
                      <td data-label="When">{when(e.at)}</td>
                      <td data-label="Who" className="adm-wrap">
                        {e.actor}
                      </td>
                      <td data-label="Action">
                        <code>{e.action}</code>
                      </td>
                      <td data-label="Target" className="adm-wrap">
                        {e.target}
                      </td>
                      <td data-label="Details" className="adm-wrap adm-hint">
                        {details(e.details)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <table className="adm-table stack" aria-label="Sign-ins">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Username</th>
                    <th>Method</th>
                    <th>Result</th>
                    <th>Reason</th>
                    <th>From</th>
                  </tr>
                </thead>
                <tbody>
                  {(list.data.items as SignInEntry[]).map((e) => (
                    <tr key={e.id}>
                      <td data-label="When">{when(e.at)}</td>
                      <td data-label="Username" className="adm-wrap">
                        {e.username}
                      </td>
                      <td data-label="Method">
                        {e.method}
                        {e.provider && <span className="adm-cell-why">{e.provider}</span>}
                      </td>
                      <td data-label="Result">
                        <span
                          className={`adm-badge ${e.result === 'success' ? 'ok' : e.result === 'partial' ? 'warn' : 'bad'}`}
                        >
                          {e.result}
                        </span>
                      </td>
                      <td data-label="Reason">{e.reason ? <code>{e.reason}</code> : '—'}</td>
                      <td data-label="From" className="adm-wrap">
                        {e.ip ?? '—'}
                        <span className="adm-cell-why">{e.userAgent?.slice(0, 80)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {list.data.items.length === 0 && (
              <p className="adm-empty">
                {applied.q || applied.result ? 'Nothing matches.' : 'Nothing recorded yet.'}
              </p>
            )}
          </div>
          <Pager
            hasPrevious={befores.length > 1}
            hasNext={!!list.data.next}
            onPrevious={() => setBefores((b) => b.slice(0, -1))}
            onNext={() => setBefores((b) => [...b, list.data!.next!])}
            labels={['Newer', 'Older']}
          />
        </>
      )}
    </>
  );
}
