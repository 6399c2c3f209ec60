'use client';

import { useState } from 'react';
import { adminApi, ConfirmButton, Field, query, sentence, useLoad, when } from '../lib';
import { SIGN_IN, type User } from './types';
import { InviteForm } from './invite-form';
import { UserForm } from './user-form';
import { AlertLine, NoticeLine } from '../form';
import { Pager } from '../pager';

const PAGE = 25;

interface Page {
  items: User[];
  total: number;
  offset: number;
  limit: number;
}

function Status({ user }: { user: User }) {
  return (
    <>
      {user.disabled && <span className="adm-badge bad">disabled</span>}
      {user.clusterAdmin && <span className="adm-badge warn">cluster admin</span>}
      {user.totp ? (
        <span className="adm-badge ok">TOTP</span>
      ) : user.clusterAdmin ? (
        <span className="adm-badge bad">no TOTP</span>
      ) : null}
      {!user.disabled && !user.clusterAdmin && !user.totp && <span className="adm-badge">active</span>}
    </>
  );
}

/** Users: search and pages from the server, create, edit, disable, reset TOTP, end sessions, delete. */
export default function UsersPage() {
  const [search, setSearch] = useState({ q: '', group: '' });
  const [applied, setApplied] = useState(search);
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [selected, setSelected] = useState<User>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const list = useLoad(
    () => adminApi<Page>('GET', `/api/admin/users${query({ ...applied, offset, limit: PAGE })}`),
    [applied, offset],
  );

  async function act(what: string, run: () => Promise<unknown>) {
    setActionError(undefined);
    try {
      await run();
      setNotice(what);
      list.reload();
    } catch (e) {
      setActionError(sentence(e));
    }
  }

  const path = (u: User) => `/api/admin/users/${encodeURIComponent(u.username)}`;

  return (
    <>
      <h1>Users</h1>
      <p className="adm-lead">
        Everyone who can sign in at this portal. Access to a library is given on the Access screen.
      </p>
      <NoticeLine text={notice} />
      <form
        className="adm-toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(search);
        }}
      >
        <Field label="Search">
          {(a) => (
            <input
              {...a}
              name="q"
              placeholder="username, name or email"
              value={search.q}
              onChange={(e) => setSearch({ ...search, q: e.target.value })}
            />
          )}
        </Field>
        <Field label="In group">
          {(a) => (
            <input
              {...a}
              name="group"
              value={search.group}
              onChange={(e) => setSearch({ ...search, group: e.target.value })}
            />
          )}
        </Field>
        <button type="submit" className="adm-btn secondary">
          Search
        </button>
        <button
          type="button"
          className="adm-btn"
          onClick={() => {
            setCreating(true);
            setSelected(undefined);
          }}
          style={{ marginLeft: 'auto' }}
        >
          New user
        </button>
        <button type="button" className="adm-btn secondary" onClick={() => setInviting(true)}>
          Invite by email
        </button>
      </form>

      {inviting && (
        <section className="adm-panel" aria-label="Invite by email">
          <h2 style={{ marginTop: 0 }}>Invite by email</h2>
          <InviteForm
            onDone={() => {
              setInviting(false);
              list.reload();
            }}
          />
        </section>
      )}

      {creating && (
        <section className="adm-panel" aria-label="New user">
          <h2 style={{ marginTop: 0 }}>New user</h2>
          <UserForm
            onCancel={() => setCreating(false)}
            onSaved={(u) => {
              setCreating(false);
              setNotice(`Created ${u.username}.`);
              list.reload();
            }}
          />
        </section>
      )}

      {selected && (
        <section className="adm-panel" aria-label={`User ${selected.username}`}>
          <h2 style={{ marginTop: 0 }} className="adm-wrap">
            {selected.username} {selected.name && <span style={{ fontWeight: 400 }}>· {selected.name}</span>}
          </h2>
          <p className="adm-hint">
            {SIGN_IN[selected.authProvider]} · created {when(selected.createdAt)} ·{' '}
            {selected.totp ? 'TOTP enrolled' : 'no TOTP'}
          </p>
          <AlertLine text={actionError} />
          <UserForm
            key={selected.id + selected.groups.join()}
            user={selected}
            onCancel={() => setSelected(undefined)}
            onSaved={(u) => {
              setSelected(u);
              setNotice(`Saved ${u.username}.`);
              list.reload();
            }}
          />
          <div
            className="adm-actions"
            style={{ justifyContent: 'flex-start', borderTop: '1px solid #eee', paddingTop: 12 }}
          >
            <ConfirmButton
              label={selected.disabled ? 'Enable' : 'Disable'}
              className={selected.disabled ? 'adm-btn secondary small' : 'adm-btn danger small'}
              title={selected.disabled ? `Enable ${selected.username}?` : `Disable ${selected.username}?`}
              confirm={selected.disabled ? 'Enable' : 'Disable'}
              testId="toggle-disabled"
              onConfirm={() =>
                act(
                  selected.disabled
                    ? `Enabled ${selected.username}.`
                    : `Disabled ${selected.username}; their sessions ended.`,
                  async () =>
                    setSelected(
                      await adminApi<User>('PATCH', path(selected), { disabled: !selected.disabled }),
                    ),
                )
              }
            >
              {selected.disabled ? (
                <p>They can sign in again.</p>
              ) : (
                <p>
                  They are signed out of the portal and every library now, and cannot sign in until enabled.
                </p>
              )}
            </ConfirmButton>
            {selected.totp && (
              <ConfirmButton
                label="Reset TOTP"
                title={`Reset ${selected.username}'s authenticator?`}
                confirm="Reset TOTP"
                testId="reset-totp"
                onConfirm={() =>
                  act(`Reset TOTP of ${selected.username}.`, async () =>
                    setSelected(await adminApi<User>('PATCH', path(selected), { resetTotp: true })),
                  )
                }
              >
                <p>
                  Their authenticator and recovery codes stop working; they set up a new one at next sign-in
                  (required for admins).
                </p>
              </ConfirmButton>
            )}
            <ConfirmButton
              label="End all sessions"
              title={`Sign ${selected.username} out everywhere?`}
              confirm="End sessions"
              testId="end-sessions"
              onConfirm={() =>
                act(`Signed ${selected.username} out everywhere.`, () =>
                  adminApi('DELETE', `${path(selected)}/sessions`),
                )
              }
            >
              <p>Their portal sessions end now, and every library signs them out within seconds.</p>
            </ConfirmButton>
            <ConfirmButton
              label="Delete"
              title={`Delete ${selected.username}?`}
              confirm="Delete for good"
              testId="delete-user"
              onConfirm={() =>
                act(`Deleted ${selected.username}.`, async () => {
                  await adminApi('DELETE', path(selected));
                  setSelected(undefined);
                })
              }
            >
              <p>
                The account, its groups and grants are removed and it is signed out everywhere. Libraries keep
                the photos it uploaded. This cannot be undone.
              </p>
            </ConfirmButton>
          </div>
        </section>
      )}

      <AlertLine text={list.error} />
      {list.data && (
        <>
          <div className="adm-table-wrap">
            <table className="adm-table stack" aria-label="Users">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Signs in with</th>
                  <th>Groups</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((u) => (
                  <tr key={u.id}>
                    <td data-label="User" className="adm-wrap">
                      <button
                        type="button"
                        className="adm-link"
                        onClick={() => {
                          setSelected(u);
                          setCreating(false);
                          setActionError(undefined);
                        }}
                      >
                        {u.username}
                      </button>
                      {u.name && <span className="adm-cell-why">{u.name}</span>}
                    </td>
                    <td data-label="Email" className="adm-wrap">
                      {u.email ?? '—'}
                    </td>
                    <td data-label="Role">{u.role}</td>
                    <td data-label="Signs in with">{SIGN_IN[u.authProvider]}</td>
                    <td data-label="Groups" className="adm-wrap">
                      {u.groups.length
                        ? u.groups.map((g) => (
                            <span key={g} className="adm-badge">
                              {g}
                            </span>
                          ))
                        : '—'}
                    </td>
                    <td data-label="Status">
                      <Status user={u} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.data.items.length === 0 && (
              <p className="adm-empty">
                {applied.q || applied.group
                  ? 'No user matches this search.'
                  : 'No users yet. Create the first one with “New user”.'}
              </p>
            )}
          </div>
          <Pager
            hasPrevious={offset > 0}
            hasNext={offset + PAGE < list.data.total}
            onPrevious={() => setOffset(Math.max(0, offset - PAGE))}
            onNext={() => setOffset(offset + PAGE)}
          >
            <span>
              {list.data.total === 0 ? '0' : `${offset + 1}–${offset + list.data.items.length}`} of{' '}
              {list.data.total}
            </span>
          </Pager>
        </>
      )}
    </>
  );
}
