'use client';

import { useEffect, useState } from 'react';
import { AlertLine, NoticeLine, useAdminForm } from '../form';
import { adminApi, ConfirmButton, Field, Picker, query, ROLES, sentence, useLoad } from '../lib';

interface Grant {
  username: string;
  node: string;
  role: string | null;
  basePath: string | null;
  uploadPath: string | null;
}

interface Explanation {
  cell: { allowed: boolean; role: string | null; reason: string; group: string | null };
  lines: string[];
}

const FIELDS = {
  username: ['ERR_ACCOUNT', 'username'],
  role: ['ERR_ROLE'],
  basePath: ['base path'],
  uploadPath: ['upload path'],
};

/** `{username}` expanded for the chosen user by the server, as the library will see it. */
export function usePreview(template: string, username: string): string | undefined {
  const [preview, setPreview] = useState<string>();
  useEffect(() => {
    if (!template.trim() || !username.trim() || !template.includes('{username}')) {
      setPreview(undefined);
      return;
    }
    const timer = setTimeout(() => {
      adminApi<{ path: string | null }>('GET', `/api/admin/path-preview${query({ template, username })}`)
        .then((p) => setPreview(p.path ? `For ${username}: ${p.path}` : undefined))
        .catch((e: unknown) => setPreview(sentence(e)));
    }, 200);
    return () => clearTimeout(timer);
  }, [template, username]);
  return preview;
}

const EMPTY = { username: '', role: '', basePath: '', uploadPath: '' };

/** Per-user grants on one library (`atrium cluster users access grant|revoke|ls`). */
export function Grants({ node }: { node: string }) {
  const grants = useLoad(
    () => adminApi<{ items: Grant[] }>('GET', `/api/admin/grants${query({ node })}`),
    [node],
  );
  const { values, setValues, error, notice, setNotice, busy, set, err, submit } = useAdminForm(EMPTY, FIELDS);
  const basePreview = usePreview(values.basePath, values.username);
  const uploadPreview = usePreview(values.uploadPath, values.username);

  const grant = submit(
    () =>
      values.username.trim() ? undefined : { field: 'username', text: 'Pick the user to give access to.' },
    async () => {
      const result = await adminApi<Explanation>('PUT', '/api/admin/grants', {
        node,
        username: values.username.trim(),
        role: values.role || null,
        basePath: values.basePath || null,
        uploadPath: values.uploadPath || null,
      });
      grants.reload();
      return result.cell.allowed
        ? `${values.username.trim()} may open ${node} as ${result.cell.role} from their next sign-in.`
        : `Saved, but ${values.username.trim()} still cannot open ${node}: ${result.lines.at(-1)}`;
    },
  );

  async function revoke(g: Grant) {
    try {
      await adminApi('DELETE', `/api/admin/grants${query({ user: g.username, node })}`);
      setNotice(`Revoked ${g.username}’s grant on ${node}; their open sessions there end now.`);
      grants.reload();
    } catch (caught) {
      setNotice(sentence(caught));
    }
  }

  return (
    <section aria-label="Per-user grants">
      <h2>People with a grant on {node}</h2>
      <NoticeLine text={notice} />
      <form className="adm-panel" onSubmit={grant} noValidate aria-label="Grant access">
        {!error?.field && <AlertLine text={error?.text} />}
        <div className="adm-grid">
          <Field label="User" error={err('username')} hint="Type to search the directory.">
            {(a) => (
              <Picker
                id={a.id}
                kind="users"
                value={values.username}
                invalid={a['aria-invalid']}
                describedBy={a['aria-describedby']}
                onChange={(username) => setValues((v) => ({ ...v, username }))}
              />
            )}
          </Field>
          <Field label="Role" error={err('role')} hint="Empty: the user’s account role.">
            {(a) => (
              <select {...a} name="role" value={values.role} onChange={set('role')}>
                <option value="">account role</option>
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Base path"
            error={err('basePath')}
            hint={basePreview ?? 'What a contributor or guest sees, e.g. people/{username}'}
          >
            {(a) => <input {...a} name="basePath" value={values.basePath} onChange={set('basePath')} />}
          </Field>
          <Field
            label="Upload path"
            error={err('uploadPath')}
            hint={uploadPreview ?? 'Where uploads go, e.g. uploads/{username}'}
          >
            {(a) => <input {...a} name="uploadPath" value={values.uploadPath} onChange={set('uploadPath')} />}
          </Field>
        </div>
        <button type="submit" className="adm-btn" disabled={busy}>
          Grant access
        </button>
      </form>
      <AlertLine text={grants.error} />
      {grants.data && (
        <div className="adm-table-wrap">
          <table className="adm-table stack" aria-label={`Grants on ${node}`}>
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Base path</th>
                <th>Upload path</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {grants.data.items.map((g) => (
                <tr key={g.username} data-testid={`grant-${g.username}`}>
                  <td data-label="User" className="adm-wrap">
                    {g.username}
                  </td>
                  <td data-label="Role">{g.role ?? <em>account role</em>}</td>
                  <td data-label="Base path" className="adm-wrap">
                    {g.basePath ?? '—'}
                  </td>
                  <td data-label="Upload path" className="adm-wrap">
                    {g.uploadPath ?? '—'}
                  </td>
                  <td data-label="">
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke ${g.username}’s access to ${node}?`}
                      confirm="Revoke"
                      testId={`revoke-${g.username}`}
                      onConfirm={() => revoke(g)}
                    >
                      <p>
                        They are signed out of {node} within seconds, unless one of their groups still admits
                        them.
                      </p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {grants.data.items.length === 0 && <p className="adm-empty">Nobody has a grant on {node} yet.</p>}
        </div>
      )}
    </section>
  );
}
