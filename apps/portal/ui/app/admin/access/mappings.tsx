'use client';

import { AlertLine, NoticeLine, useAdminForm } from '../form';
import { adminApi, ConfirmButton, Field, Picker, query, ROLES, sentence, useLoad } from '../lib';

interface Mapping {
  node: string;
  group: string;
  kind: 'name' | 'dn';
  role: string;
  basePath: string | null;
  uploadPath: string | null;
}

const FIELDS = {
  group: ['ERR_GROUP', 'group'],
  role: ['ERR_ROLE'],
  basePath: ['base path'],
  uploadPath: ['upload path'],
};
const EMPTY = { group: '', kind: 'name' as 'name' | 'dn', role: 'viewer', basePath: '', uploadPath: '' };

/** The groups one library admits (`atrium cluster nodes allow-group|deny-group`). */
export function Mappings({ node }: { node: string }) {
  const mappings = useLoad(
    () => adminApi<{ items: Mapping[] }>('GET', `/api/admin/mappings${query({ node })}`),
    [node],
  );
  const { values, setValues, error, notice, setNotice, busy, set, err, submit } = useAdminForm(EMPTY, FIELDS);

  const admit = submit(
    () => (values.group.trim() ? undefined : { field: 'group', text: 'Name the group to admit.' }),
    async () => {
      await adminApi('PUT', '/api/admin/mappings', {
        node,
        group: values.group.trim(),
        kind: values.kind,
        role: values.role,
        basePath: values.basePath || null,
        uploadPath: values.uploadPath || null,
      });
      mappings.reload();
      return `Members of ${values.group.trim()} may open ${node} as ${values.role} from their next sign-in.`;
    },
  );

  async function deny(m: Mapping) {
    try {
      await adminApi('DELETE', `/api/admin/mappings${query({ node, group: m.group })}`);
      setNotice(`${node} no longer admits ${m.group}; members without another way in are signed out now.`);
      mappings.reload();
    } catch (caught) {
      setNotice(sentence(caught));
    }
  }

  return (
    <section aria-label="Group mappings">
      <h2>Groups {node} admits</h2>
      <NoticeLine text={notice} />
      <form className="adm-panel" onSubmit={admit} noValidate aria-label="Admit a group">
        {!error?.field && <AlertLine text={error?.text} />}
        <fieldset style={{ border: 0, padding: 0, margin: '0 0 10px' }}>
          <legend className="adm-label">The group comes from</legend>
          <label className="adm-check">
            <input
              type="radio"
              name="kind"
              value="name"
              checked={values.kind === 'name'}
              onChange={() => setValues((v) => ({ ...v, kind: 'name' }))}
            />
            the organization’s sign-in (OIDC) or the portal: the group name exactly as the provider sends it,
            e.g. <code>family</code>
          </label>
          <label className="adm-check">
            <input
              type="radio"
              name="kind"
              value="dn"
              checked={values.kind === 'dn'}
              onChange={() => setValues((v) => ({ ...v, kind: 'dn' }))}
            />
            <span>
              LDAP / Active Directory: the group’s DN, e.g. <code>cn=staff,ou=groups,dc=example,dc=org</code>
            </span>
          </label>
        </fieldset>
        <div className="adm-grid">
          <Field
            label={values.kind === 'dn' ? 'Group DN' : 'Group name'}
            error={err('group')}
            hint="Type to pick a group users already have."
          >
            {(a) => (
              <Picker
                id={a.id}
                kind="groups"
                value={values.group}
                invalid={a['aria-invalid']}
                describedBy={a['aria-describedby']}
                onChange={(group) => setValues((v) => ({ ...v, group }))}
              />
            )}
          </Field>
          <Field label="Role of its members" error={err('role')}>
            {(a) => (
              <select {...a} name="mappingRole" value={values.role} onChange={set('role')}>
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Base path" error={err('basePath')} hint="Optional; may use {username}">
            {(a) => (
              <input {...a} name="mappingBasePath" value={values.basePath} onChange={set('basePath')} />
            )}
          </Field>
          <Field label="Upload path" error={err('uploadPath')} hint="Optional; may use {username}">
            {(a) => (
              <input {...a} name="mappingUploadPath" value={values.uploadPath} onChange={set('uploadPath')} />
            )}
          </Field>
        </div>
        <button type="submit" className="adm-btn" disabled={busy}>
          Admit group
        </button>
      </form>
      <AlertLine text={mappings.error} />
      {mappings.data && (
        <div className="adm-table-wrap">
          <table className="adm-table stack" aria-label={`Groups ${node} admits`}>
            <thead>
              <tr>
                <th>Group</th>
                <th>From</th>
                <th>Role</th>
                <th>Base path</th>
                <th>Upload path</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {mappings.data.items.map((m) => (
                <tr key={m.group} data-testid={`mapping-${m.group}`}>
                  <td data-label="Group" className="adm-wrap">
                    {m.group}
                  </td>
                  <td data-label="From">{m.kind === 'dn' ? 'LDAP (DN)' : 'OIDC / portal'}</td>
                  <td data-label="Role">{m.role}</td>
                  <td data-label="Base path" className="adm-wrap">
                    {m.basePath ?? '—'}
                  </td>
                  <td data-label="Upload path" className="adm-wrap">
                    {m.uploadPath ?? '—'}
                  </td>
                  <td data-label="">
                    <ConfirmButton
                      label="Remove"
                      title={`Stop admitting ${m.group}?`}
                      confirm="Remove"
                      testId={`deny-${m.group}`}
                      onConfirm={() => deny(m)}
                    >
                      <p>Members without a grant or another group are signed out of {node} within seconds.</p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {mappings.data.items.length === 0 && <p className="adm-empty">{node} admits no group yet.</p>}
        </div>
      )}
    </section>
  );
}
