'use client';

import { useState } from 'react';
import { adminApi, Field, query, ROLES, useLoad } from '../lib';
import { AlertLine } from '../form';
import { Pager } from '../pager';

interface Cell {
  node: string;
  allowed: boolean;
  role: string | null;
  reason: string;
  group: string | null;
  basePath: string | null;
  uploadPath: string | null;
}

interface Row {
  username: string;
  name: string;
  disabled: boolean;
  groups: string[];
  cells: Cell[];
}

interface MatrixPage {
  nodes: string[];
  rows: Row[];
  next: string | null;
}

/** libs/policy's reason codes as the "why" of a cell. */
function why(cell: Cell): string {
  switch (cell.reason) {
    case 'grant':
      return 'by a grant';
    case 'grant_account_role':
      return 'by a grant, with the account role';
    case 'group':
      return `by group ${cell.group}`;
    case 'account_disabled':
      return 'account disabled';
    case 'no_grant_or_group':
      return 'no grant, no group';
    case 'grant_role_invalid':
      return 'the grant names no valid role';
    case 'account_role_invalid':
      return 'the account role is not valid';
    case 'path_invalid':
      return 'a path is not valid for this user';
    default:
      return cell.reason;
  }
}

const PAGE = 50;

/** Users × libraries: each cell the role and why, filtered and paged on the server. */
export default function MatrixScreen() {
  const [filter, setFilter] = useState({ q: '', group: '', node: '', role: '' });
  const [applied, setApplied] = useState(filter);
  // The cursors of the pages seen so far, for "Previous".
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors.at(-1);
  const matrix = useLoad(
    () => adminApi<MatrixPage>('GET', `/api/admin/matrix${query({ ...applied, after, limit: PAGE })}`),
    [applied, after],
  );
  const nodes = useLoad(
    () => adminApi<{ items: { name: string; kind: string }[] }>('GET', '/api/admin/nodes'),
    [],
  );
  const set = (k: keyof typeof filter) => (e: { target: { value: string } }) =>
    setFilter((f) => ({ ...f, [k]: e.target.value }));

  return (
    <>
      <h1>Effective access</h1>
      <p className="adm-lead">
        What each user gets on each library at their next sign-in, and why — resolved by the same rules as a
        sign-in. A change on any screen shows here at once.
      </p>
      <form
        className="adm-toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([undefined]);
          setApplied(filter);
        }}
      >
        <Field label="User">
          {(a) => (
            <input
              {...a}
              name="q"
              value={filter.q}
              onChange={set('q')}
              placeholder="username, name or email"
            />
          )}
        </Field>
        <Field label="Group">
          {(a) => <input {...a} name="group" value={filter.group} onChange={set('group')} />}
        </Field>
        <Field label="Library">
          {(a) => (
            <select {...a} name="node" value={filter.node} onChange={set('node')}>
              <option value="">all</option>
              {nodes.data?.items
                .filter((n) => n.kind === 'instance')
                .map((n) => (
                  <option key={n.name}>{n.name}</option>
                ))}
            </select>
          )}
        </Field>
        <Field label="Role">
          {(a) => (
            <select {...a} name="role" value={filter.role} onChange={set('role')}>
              <option value="">any</option>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
              <option value="none">no access</option>
            </select>
          )}
        </Field>
        <button type="submit" className="adm-btn secondary">
          Filter
        </button>
        <a
          className="adm-btn secondary"
          style={{ textDecoration: 'none' }}
          href={`/api/admin/matrix/export${query(applied)}`}
          download
          data-testid="export"
        >
          Export CSV
        </a>
      </form>
      <AlertLine text={matrix.error} />
      {matrix.data && (
        <>
          <div className="adm-table-wrap">
            <table className="adm-table adm-matrix" aria-label="Effective access">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  {matrix.data.nodes.map((n) => (
                    <th scope="col" key={n}>
                      {n}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.data.rows.map((r) => (
                  <tr key={r.username} data-testid={`row-${r.username}`}>
                    <th
                      scope="row"
                      style={{ textTransform: 'none', letterSpacing: 0, fontSize: 14, background: '#fff' }}
                      className="adm-wrap"
                    >
                      {r.username}
                      {r.disabled && <span className="adm-badge bad">disabled</span>}
                      {r.name && <span className="adm-cell-why">{r.name}</span>}
                    </th>
                    {r.cells.map((c) => (
                      <td
                        key={c.node}
                        data-testid={`cell-${r.username}-${c.node}`}
                        title={
                          [
                            c.basePath && `base path: ${c.basePath}`,
                            c.uploadPath && `upload path: ${c.uploadPath}`,
                          ]
                            .filter(Boolean)
                            .join('; ') || undefined
                        }
                      >
                        {c.allowed ? (
                          <span className="adm-cell-role">{c.role}</span>
                        ) : (
                          <span style={{ color: '#999' }}>—</span>
                        )}
                        <span className="adm-cell-why">{why(c)}</span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {matrix.data.nodes.length === 0 && (
              <p className="adm-empty">No library yet: add one on the Libraries screen.</p>
            )}
            {matrix.data.nodes.length > 0 && matrix.data.rows.length === 0 && (
              <p className="adm-empty">No user matches these filters.</p>
            )}
          </div>
          <Pager
            hasPrevious={cursors.length > 1}
            hasNext={!!matrix.data.next}
            onPrevious={() => setCursors((c) => c.slice(0, -1))}
            onNext={() => setCursors((c) => [...c, matrix.data!.next!])}
          >
            <span>Page {cursors.length}</span>
          </Pager>
        </>
      )}
    </>
  );
}
