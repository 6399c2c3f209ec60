'use client';

import { useState } from 'react';
import { adminApi, ago, ConfirmButton, sentence, useLoad } from '../lib';
import { AddNodeForm } from './add-node';
import { Once, type Issued, type Node } from './issued';
import { Keys } from './keys';
import { AlertLine, NoticeLine } from '../form';

const KIND: Record<Node['kind'], string> = {
  instance: 'Library',
  relying_party: 'OIDC client',
  service: 'Service',
};

function Health({ node }: { node: Node }) {
  if (node.kind !== 'instance') return <span className="adm-hint">not checked</span>;
  if (!node.joined) return <span className="adm-badge warn">waiting to join</span>;
  const badge =
    node.health === 'ready' ? (
      <span className="adm-badge ok">ready</span>
    ) : node.health === 'not_ready' ? (
      <span className="adm-badge warn">not ready</span>
    ) : (
      <span className="adm-badge bad">not answering</span>
    );
  return (
    <>
      {badge}
      <span className="adm-cell-why">last seen {ago(node.lastSeenAt)}</span>
    </>
  );
}

/** Libraries (nodes): add an instance or a client, health and version, rotate, new join token, remove; keys. */
export default function LibrariesPage() {
  const nodes = useLoad(() => adminApi<{ items: Node[] }>('GET', '/api/admin/nodes'), []);
  const [issued, setIssued] = useState<Issued>();
  const [adding, setAdding] = useState<'instance' | 'relying_party'>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function act(done: string, run: () => Promise<unknown>) {
    setError(undefined);
    try {
      await run();
      setNotice(done);
      nodes.reload();
    } catch (e) {
      setError(sentence(e));
    }
  }
  const path = (n: Node) => `/api/admin/nodes/${encodeURIComponent(n.name)}`;

  return (
    <>
      <h1>Libraries</h1>
      <p className="adm-lead">
        The instances (libraries) and OIDC clients that sign people in through this portal. Health is asked
        from each library when this page opens.
      </p>
      <NoticeLine text={notice} />
      <AlertLine text={error} />
      {issued && <Once issued={issued} onDone={() => setIssued(undefined)} />}
      <div className="adm-toolbar">
        <button type="button" className="adm-btn" onClick={() => setAdding('instance')}>
          Add a library
        </button>
        <button type="button" className="adm-btn secondary" onClick={() => setAdding('relying_party')}>
          Add an OIDC client
        </button>
        <button type="button" className="adm-btn secondary" onClick={nodes.reload}>
          Check health now
        </button>
      </div>
      {adding && (
        <AddNodeForm
          kind={adding}
          onCancel={() => setAdding(undefined)}
          onIssued={(i) => {
            setAdding(undefined);
            setIssued(i);
            nodes.reload();
          }}
        />
      )}
      <AlertLine text={nodes.error} />
      {!nodes.data && !nodes.error && <p>Asking each library how it is…</p>}
      {nodes.data && (
        <div className="adm-table-wrap">
          <table className="adm-table stack" aria-label="Libraries">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Address</th>
                <th>Health</th>
                <th>Version</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.items.map((n) => (
                <tr key={n.name} data-testid={`node-${n.name}`}>
                  <td data-label="Name" className="adm-wrap">
                    <strong>{n.name}</strong>
                  </td>
                  <td data-label="Kind">
                    {KIND[n.kind]} <span className="adm-cell-why">{n.alg}</span>
                  </td>
                  <td data-label="Address" className="adm-wrap">
                    <a href={n.url}>{n.url}</a>
                    {n.kind === 'relying_party' &&
                      n.redirectUris.map((u) => (
                        <span key={u} className="adm-cell-why">
                          ↩ {u}
                        </span>
                      ))}
                  </td>
                  <td data-label="Health">
                    <Health node={n} />
                  </td>
                  <td data-label="Version">{n.version ?? '—'}</td>
                  <td data-label="Actions">
                    <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
                      {n.kind !== 'relying_party' && (
                        <button
                          type="button"
                          className="adm-btn secondary small"
                          onClick={() =>
                            act(`New join token for ${n.name}.`, async () =>
                              setIssued(await adminApi<Issued>('POST', `${path(n)}/join-token`)),
                            )
                          }
                        >
                          New join token
                        </button>
                      )}
                      <ConfirmButton
                        label="Rotate secret"
                        className="adm-btn secondary small"
                        title={`New credentials for ${n.name}?`}
                        confirm="Rotate"
                        testId={`rotate-${n.name}`}
                        onConfirm={() =>
                          act(`Rotated the secret of ${n.name}.`, async () =>
                            setIssued(await adminApi<Issued>('POST', `${path(n)}/rotate`)),
                          )
                        }
                      >
                        <p>
                          A new client secret is shown once. The old one keeps working for 24 hours, so you
                          can update {n.name} without downtime.
                        </p>
                      </ConfirmButton>
                      <ConfirmButton
                        label="Remove"
                        title={`Remove ${n.name}?`}
                        confirm="Remove"
                        testId={`remove-${n.name}`}
                        onConfirm={() => act(`Removed ${n.name}.`, () => adminApi('DELETE', path(n)))}
                      >
                        <p>
                          Its grants and group mappings are deleted and every token issued to it is revoked.
                          Its own data stays where it is.
                        </p>
                      </ConfirmButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {nodes.data.items.length === 0 && (
            <p className="adm-empty">
              No library yet. “Add a library” gives you a join token to start one with.
            </p>
          )}
        </div>
      )}
      <Keys />
    </>
  );
}
