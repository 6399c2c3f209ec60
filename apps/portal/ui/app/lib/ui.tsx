import type { CSSProperties, ReactNode } from 'react';

const card: CSSProperties = {
  maxWidth: 420,
  margin: '12vh auto',
  padding: 28,
  background: '#fff',
  borderRadius: 10,
  boxShadow: '0 1px 4px rgba(0,0,0,.1)',
};
export const input: CSSProperties = {
  display: 'block',
  width: '100%',
  boxSizing: 'border-box',
  padding: '9px 10px',
  margin: '6px 0 14px',
  font: 'inherit',
  border: '1px solid #bbb',
  borderRadius: 6,
};
export const button: CSSProperties = {
  font: 'inherit',
  padding: '9px 18px',
  border: 0,
  borderRadius: 6,
  background: '#2f5d50',
  color: '#fff',
  cursor: 'pointer',
};
export const linkButton: CSSProperties = {
  font: 'inherit',
  padding: 0,
  border: 0,
  background: 'none',
  color: '#2f5d50',
  textDecoration: 'underline',
  cursor: 'pointer',
};

export function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main style={card}>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{title}</h1>
      {children}
    </main>
  );
}

export function ErrorText({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" style={{ color: '#a02020' }}>
      {message}
    </p>
  );
}

const wide: CSSProperties = {
  maxWidth: 760,
  margin: '4vh auto',
  padding: '0 14px 40px',
};
const section: CSSProperties = {
  background: '#fff',
  borderRadius: 10,
  boxShadow: '0 1px 4px rgba(0,0,0,.1)',
  padding: '18px 22px',
  margin: '0 0 18px',
};
export const secondaryButton: CSSProperties = {
  ...button,
  background: '#fff',
  color: '#2f5d50',
  border: '1px solid #2f5d50',
  padding: '6px 14px',
};
export const muted: CSSProperties = { color: '#666', fontSize: 14 };

/** A wider page of several sections (the account page). */
export function Page({ title, nav, children }: { title: string; nav?: ReactNode; children: ReactNode }) {
  return (
    <main style={wide}>
      <header
        style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: 12, margin: '0 0 14px' }}
      >
        <h1 style={{ fontSize: 24, margin: 0, flex: '1 1 auto' }}>{title}</h1>
        {nav}
      </header>
      {children}
    </main>
  );
}

export function Section({ title, id, children }: { title: string; id?: string; children: ReactNode }) {
  return (
    <section style={section} aria-labelledby={id ? `${id}-title` : undefined} data-testid={id}>
      <h2 id={id ? `${id}-title` : undefined} style={{ fontSize: 18, margin: '0 0 10px' }}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Notice({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="status" style={{ color: '#1d5a2c' }}>
      {message}
    </p>
  );
}

/** A new password and its repeat (`repeat`); the form checks that the two are the same. */
export function NewPasswordFields(props: { name: string; label: string; repeatLabel: string }) {
  return (
    <>
      <label htmlFor={props.name}>{props.label}</label>
      <input
        id={props.name}
        name={props.name}
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        style={input}
      />
      <label htmlFor="repeat">{props.repeatLabel}</label>
      <input id="repeat" name="repeat" type="password" autoComplete="new-password" required style={input} />
    </>
  );
}
