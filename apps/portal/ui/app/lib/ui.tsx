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
