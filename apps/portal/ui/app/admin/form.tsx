'use client';

import { useState, type FormEvent } from 'react';
import { fieldOf, sentence } from './lib';

function Line({ text, className, role }: { text?: string; className: string; role: 'status' | 'alert' }) {
  return text ? (
    <p className={className} role={role}>
      {text}
    </p>
  ) : null;
}

/** The green line that says what the last action did; nothing when there is nothing to say. */
export const NoticeLine = ({ text }: { text?: string }) => (
  <Line text={text} className="adm-notice" role="status" />
);

/** The red line for a refusal that belongs to no single field. */
export const AlertLine = ({ text }: { text?: string }) => (
  <Line text={text} className="adm-alert" role="alert" />
);

export interface FormError {
  field?: string;
  text: string;
}

/**
 * The state an admin form of text fields keeps: its values, the refusal (shown beside the field
 * the server's error code names, `fields` as for `fieldOf`), a notice and the busy flag.
 * `submit(check, save)` runs one save: a refusal from `check` stops it before any request, and
 * on success the form empties and shows the notice `save` returns.
 */
export function useAdminForm<V extends Record<string, string>>(empty: V, fields: Record<string, string[]>) {
  const [values, setValues] = useState(empty);
  const [error, setError] = useState<FormError>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof V) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const err = (f: string) => (error?.field === f ? error.text : undefined);

  const submit =
    (check: () => FormError | undefined, save: () => Promise<string>) => async (e: FormEvent) => {
      e.preventDefault();
      setError(undefined);
      const refusal = check();
      if (refusal) {
        setError(refusal);
        return;
      }
      setBusy(true);
      try {
        setNotice(await save());
        setValues(empty);
      } catch (caught) {
        setError({ field: fieldOf(caught, fields), text: sentence(caught) });
      } finally {
        setBusy(false);
      }
    };

  return { values, setValues, error, notice, setNotice, busy, set, err, submit };
}
