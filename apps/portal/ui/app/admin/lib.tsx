'use client';

import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** The admin API from the browser: JSON, the same-origin cookie and the session's CSRF token. */
let csrfToken: string | undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function adminApi<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) {
    if (res.status === 401) window.location.assign('/signin');
    throw new AdminApiError(
      res.status,
      data.error?.code ?? 'ERR_HTTP',
      data.error?.message ?? `HTTP ${res.status}`,
    );
  }
  return data as T;
}

/** `?a=b&c=d` from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The server's stable error codes as sentences a newcomer understands. */
const SENTENCES: Record<string, string> = {
  ERR_USERNAME_INVALID:
    'A username is 1–63 lowercase letters, digits, “.”, “_”, “@” or “-”, and starts with a letter or digit.',
  ERR_USERNAME_TAKEN: 'Someone already has that username.',
  ERR_EMAIL_INVALID: 'That is not an email address.',
  ERR_ROLE_INVALID: 'Pick one of the roles in the list.',
  ERR_PATH_INVALID:
    'A path is a folder inside the library, like people/{username}: no leading “/”, no “..”, no backslashes.',
  ERR_PASSWORD_INVALID: 'A password has at least 8 characters.',
  ERR_ACCOUNT_NOT_FOUND: 'There is no such user (any more).',
  ERR_NODE_NOT_FOUND: 'There is no such library (any more).',
  ERR_NODE_EXISTS: 'A library or client with that name exists already.',
  ERR_GRANT_NOT_FOUND: 'That user has no grant on this library (any more).',
  ERR_MAPPING_NOT_FOUND: 'This library does not admit that group (any more).',
  ERR_GROUP_INVALID:
    'That group is not valid here: an LDAP group is a DN such as cn=staff,ou=groups,dc=example,dc=org.',
  ERR_KEY_NOT_FOUND: 'That key is gone or was revoked already.',
  ERR_SESSION_NOT_FOUND: 'That session has ended already.',
  ERR_SELF_LOCKOUT: 'You cannot lock yourself out: another admin must do that.',
  ERR_CSRF: 'Your session changed in another tab. Reload the page and try again.',
  ERR_ADMIN_REQUIRED: 'Only a cluster admin may do this.',
  ERR_ADMIN_TOTP_REQUIRED: 'Sign in again with your authenticator code first.',
  ERR_SESSION_REQUIRED: 'Your session ended. Sign in again.',
};

/** Codes whose server message names the exact problem better than a generic sentence. */
const SPECIFIC = new Set(['ERR_NODE_INVALID', 'ERR_BAD_REQUEST', 'ERR_PATH_INVALID']);

export function sentence(error: unknown): string {
  if (error instanceof AdminApiError) {
    if (SPECIFIC.has(error.code)) {
      const general = SENTENCES[error.code];
      const detail = error.message.charAt(0).toUpperCase() + error.message.slice(1);
      return general ? `${general} (${detail}.)` : `${detail}.`;
    }
    return SENTENCES[error.code] ?? `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;
  }
  return 'Something went wrong. Check your connection and try again.';
}

/** Which form field an error belongs to, so it shows beside that field. */
export function fieldOf(error: unknown, fields: Record<string, string[]>): string | undefined {
  if (!(error instanceof AdminApiError)) return undefined;
  const text = `${error.code} ${error.message}`.toLowerCase();
  for (const [field, hints] of Object.entries(fields))
    if (hints.some((h) => text.includes(h.toLowerCase()))) return field;
  return undefined;
}

export function Field(props: {
  label: string;
  error?: string;
  hint?: ReactNode;
  children: (attrs: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const described = props.error ? `${id}-err` : props.hint ? `${id}-hint` : undefined;
  return (
    <div className="adm-field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': !!props.error, 'aria-describedby': described })}
      {props.error ? (
        <span id={`${id}-err`} className="adm-err" role="alert">
          {props.error}
        </span>
      ) : props.hint ? (
        <span id={`${id}-hint`} className="adm-hint">
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

/** A button that asks first: a modal dialog (Escape cancels; focus starts on Cancel). */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ReactNode;
  confirm: string;
  onConfirm: () => Promise<void> | void;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        className={props.className ?? 'adm-btn danger small'}
        data-testid={props.testId}
        onClick={() => {
          ref.current?.showModal();
          cancel.current?.focus();
        }}
      >
        {props.label}
      </button>
      <dialog ref={ref} className="adm-dialog" aria-labelledby={`${props.testId ?? props.label}-title`}>
        <h2 id={`${props.testId ?? props.label}-title`} style={{ marginTop: 0, fontSize: 18 }}>
          {props.title}
        </h2>
        <div>{props.children}</div>
        <div className="adm-actions">
          <button
            ref={cancel}
            type="button"
            className="adm-btn secondary"
            onClick={() => ref.current?.close()}
          >
            Cancel
          </button>
          <button
            type="button"
            className="adm-btn danger"
            disabled={busy}
            data-testid="confirm"
            onClick={async () => {
              setBusy(true);
              try {
                await props.onConfirm();
              } finally {
                setBusy(false);
                ref.current?.close();
              }
            }}
          >
            {props.confirm}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Loads data for a screen; `reload` after a change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  // The caller names what the load depends on, as with useEffect.
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    setError(undefined);
    run()
      .then(setData)
      .catch((e: unknown) => setError(sentence(e)));
  }, [run]);
  useEffect(reload, [reload]);
  return { data, error, reload };
}

/** A text box that suggests users or groups from the directory as you type (arrow keys, Enter). */
export function Picker(props: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  kind: 'users' | 'groups';
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      adminApi<{ users: { username: string; name: string }[]; groups: string[] }>(
        'GET',
        `/api/admin/directory${query({ q: props.value })}`,
      )
        .then((d) =>
          setOptions(
            props.kind === 'users'
              ? d.users.map((u) => ({
                  value: u.username,
                  label: u.name ? `${u.username} — ${u.name}` : u.username,
                }))
              : d.groups.map((g) => ({ value: g, label: g })),
          ),
        )
        .catch(() => setOptions([]));
    }, 150);
    return () => clearTimeout(timer);
  }, [props.value, props.kind, open]);
  const listId = `${props.id}-list`;
  return (
    <div className="adm-picker">
      <input
        id={props.id}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete="off"
        role="combobox"
        aria-expanded={open && options.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          props.onChange(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (!open || options.length === 0) return;
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, options.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            props.onChange(options[active]!.value);
            setOpen(false);
          } else if (e.key === 'Escape') setOpen(false);
        }}
        style={{ width: '100%', boxSizing: 'border-box' }}
      />
      {open && options.length > 0 && (
        <ul id={listId} role="listbox">
          {options.map((o, i) => (
            <li
              key={o.value}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                props.onChange(o.value);
                setOpen(false);
              }}
            >
              {o.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const ROLES = ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'] as const;

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function ago(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
