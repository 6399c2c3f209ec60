'use client';

import { useState } from 'react';
import { adminApi, Field, query, useLoad, when } from '../lib';

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
  outcome: string;
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
  const [applied, setApplied] = useState('');
  const [befores, setBefores] = useState<(string | undefined)[]>([undefined]);
  const before = befores.at(-1);
  const list = useLoad(
    () => adminApi<{ items: (AdminEntry | SignInEntry)[]; next: string | null }>('GET', `/api/admin/audit/${tab}${query({ q: applied, before, limit: 50 })}`),
    [tab, applied, before],
  );
  const pick = (t: Tab) => {
    setTab(t);
    setBefores([undefined]);
  };

  return (
    <>
      <h1>Audit</h1>
      <p className="adm-lead">Every change an admin made (here or with the atrium command), and every sign-in attempt at the portal.</p>
      <div className="adm-tabs" role="tablist" aria-label="Audit">
        <button type="button" role="tab" aria-selected={tab === 'admin'} onClick={() => pick('admin')}>Admin actions</button>
        <button type="button" role="tab" aria-selected={tab === 'sign-ins'} onClick={() => pick('sign-ins')}>Sign-ins</button>
      </div>
      <form className="adm-toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setBefores([undefined]); setApplied(q); }}>
        <Field label="Search">{(a) => <input {...a} name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={tab === 'admin' ? 'who, action or target' : 'username, address or outcome'} />}</Field>
        <button type="submit" className="adm-btn secondary">Search</button>
      </form>
      {list.error && <p className="adm-alert" role="alert">{list.error}</p>}
      {list.data && (
        <>
          <div className="adm-table-wrap">
            {tab === 'admin' ? (
              <table className="adm-table stack" aria-label="Admin actions">
                <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th></tr></thead>
                <tbody>
                  {(list.data.items as AdminEntry[]).map((e) => (
                    <tr key={e.id}>
                      <td data-label="When">{when(e.at)}</td>
                      <td data-label="Who" className="adm-wrap">{e.actor}</td>
                      <td data-label="Action"><code>{e.action}</code></td>
                      <td data-label="Target" className="adm-wrap">{e.target}</td>
                      <td data-label="Details" className="adm-wrap adm-hint">{details(e.details)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <table className="adm-table stack" aria-label="Sign-ins">
                <thead><tr><th>When</th><th>Username</th><th>Method</th><th>Outcome</th><th>From</th></tr></thead>
                <tbody>
                  {(list.data.items as SignInEntry[]).map((e) => (
                    <tr key={e.id}>
                      <td data-label="When">{when(e.at)}</td>
                      <td data-label="Username" className="adm-wrap">{e.username}</td>
                      <td data-label="Method">{e.method}</td>
                      <td data-label="Outcome"><span className={`adm-badge ${e.outcome === 'success' ? 'ok' : 'bad'}`}>{e.outcome}</span></td>
                      <td data-label="From">{e.ip ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {list.data.items.length === 0 && <p className="adm-empty">{applied ? 'Nothing matches.' : 'Nothing recorded yet.'}</p>}
          </div>
          <div className="adm-pager">
            <button type="button" className="adm-btn secondary small" disabled={befores.length < 2} onClick={() => setBefores((b) => b.slice(0, -1))}>Newer</button>
            <button type="button" className="adm-btn secondary small" disabled={!list.data.next} onClick={() => setBefores((b) => [...b, list.data!.next!])}>Older</button>
          </div>
        </>
      )}
    </>
  );
}
