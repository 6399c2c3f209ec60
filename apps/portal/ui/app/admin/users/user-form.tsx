'use client';

import { useState } from 'react';
import { adminApi, Field, fieldOf, ROLES, sentence } from '../lib';
import { SIGN_IN, type User } from './types';
import { AlertLine } from '../form';

const FIELDS = {
  username: ['username'],
  email: ['email'],
  role: ['ERR_ROLE'],
  password: ['password'],
  basePath: ['base path'],
  uploadPath: ['upload path'],
  groups: ['group'],
};

/** Creates an account (`atrium users add`), or edits one (`atrium users mod`). */
export function UserForm(props: { user?: User; onSaved: (user: User) => void; onCancel?: () => void }) {
  const u = props.user;
  const [values, setValues] = useState({
    username: '',
    name: u?.name ?? '',
    email: u?.email ?? '',
    role: u?.role ?? 'user',
    authProvider: u?.authProvider ?? 'local',
    authId: u?.authId ?? '',
    password: '',
    basePath: u?.basePath ?? '',
    uploadPath: u?.uploadPath ?? '',
    groups: u ? u.groups.join('\n') : '',
    webdav: u?.webdav ?? false,
    clusterAdmin: u?.clusterAdmin ?? false,
  });
  const [error, setError] = useState<{ field?: string; text: string }>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const err = (f: string) => (error?.field === f ? error.text : undefined);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const groups = values.groups
      .split('\n')
      .map((g) => g.trim())
      .filter(Boolean);
    const common = {
      name: values.name,
      email: values.email || null,
      role: values.role,
      authProvider: values.authProvider,
      authId: values.authId || null,
      basePath: values.basePath || null,
      uploadPath: values.uploadPath || null,
      webdav: values.webdav,
      clusterAdmin: values.clusterAdmin,
    };
    try {
      const saved = u
        ? await adminApi<User>('PATCH', `/api/admin/users/${encodeURIComponent(u.username)}`, {
            ...common,
            addGroups: groups.filter((g) => !u.groups.includes(g)),
            removeGroups: u.groups.filter((g) => !groups.includes(g)),
          })
        : await adminApi<User>('POST', '/api/admin/users', {
            ...common,
            username: values.username,
            groups,
            ...(values.password ? { password: values.password } : {}),
          });
      props.onSaved(saved);
    } catch (caught) {
      setError({ field: fieldOf(caught, FIELDS), text: sentence(caught) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={u ? `Edit ${u.username}` : 'New user'}>
      {!error?.field && <AlertLine text={error?.text} />}
      <div className="adm-grid">
        {!u && (
          <Field label="Username" error={err('username')} hint="Lowercase; it never changes.">
            {(a) => (
              <input {...a} name="username" value={values.username} onChange={set('username')} required />
            )}
          </Field>
        )}
        <Field label="Full name">
          {(a) => <input {...a} name="name" value={values.name} onChange={set('name')} />}
        </Field>
        <Field label="Email" error={err('email')}>
          {(a) => <input {...a} name="email" type="email" value={values.email} onChange={set('email')} />}
        </Field>
        <Field label="Account role" error={err('role')} hint="What a grant without a role gives.">
          {(a) => (
            <select {...a} name="role" value={values.role} onChange={set('role')}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Signs in with">
          {(a) => (
            <select {...a} name="authProvider" value={values.authProvider} onChange={set('authProvider')}>
              {Object.entries(SIGN_IN).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {(values.authProvider === 'oidc' || values.authProvider === 'ldap') && (
          <Field
            label={values.authProvider === 'oidc' ? 'Subject at the provider' : 'LDAP entry UUID'}
            hint="Filled in at first sign-in when empty."
          >
            {(a) => <input {...a} name="authId" value={values.authId} onChange={set('authId')} />}
          </Field>
        )}
        {!u && values.authProvider === 'local' && (
          <Field
            label="First password"
            error={err('password')}
            hint="At least 8 characters; or leave empty and set one later."
          >
            {(a) => (
              <input
                {...a}
                name="password"
                type="password"
                autoComplete="new-password"
                value={values.password}
                onChange={set('password')}
              />
            )}
          </Field>
        )}
        <Field label="Base path" error={err('basePath')} hint="Optional, e.g. people/{username}">
          {(a) => <input {...a} name="basePath" value={values.basePath} onChange={set('basePath')} />}
        </Field>
        <Field label="Upload path" error={err('uploadPath')} hint="Optional, e.g. uploads/{username}">
          {(a) => <input {...a} name="uploadPath" value={values.uploadPath} onChange={set('uploadPath')} />}
        </Field>
        <Field label="Groups kept on the portal" error={err('groups')} hint="One per line.">
          {(a) => <textarea {...a} name="groups" rows={3} value={values.groups} onChange={set('groups')} />}
        </Field>
      </div>
      <label className="adm-check">
        <input
          type="checkbox"
          name="webdav"
          checked={values.webdav}
          onChange={(e) => setValues((v) => ({ ...v, webdav: e.target.checked }))}
        />
        WebDAV allowed
      </label>
      <label className="adm-check">
        <input
          type="checkbox"
          name="clusterAdmin"
          checked={values.clusterAdmin}
          onChange={(e) => setValues((v) => ({ ...v, clusterAdmin: e.target.checked }))}
        />
        Cluster admin (manages the cluster from here; needs TOTP; opens no library by itself)
      </label>
      <div className="adm-actions" style={{ justifyContent: 'flex-start' }}>
        <button type="submit" className="adm-btn" disabled={busy}>
          {u ? 'Save changes' : 'Create user'}
        </button>
        {props.onCancel && (
          <button type="button" className="adm-btn secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
