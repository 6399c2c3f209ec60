'use client';

const card = {
  maxWidth: 440,
  margin: '15vh auto',
  padding: 28,
  background: '#fff',
  borderRadius: 10,
  boxShadow: '0 1px 4px rgba(0,0,0,.1)',
};
const button = {
  display: 'inline-block',
  font: 'inherit',
  padding: '9px 18px',
  borderRadius: 6,
  background: '#2f5d50',
  color: '#fff',
  textDecoration: 'none',
};

const MESSAGES: Record<string, string> = {
  denied: 'Your account has no access to this library. Ask an administrator of the cluster for access.',
  failed: 'Signing in did not work. Please try again.',
  required: 'Your session here ended. Sign in again to continue.',
};

/** The page for someone who is not signed in: one button to the portal. */
export function SignIn({ reason, returnTo }: { reason: string | null; returnTo: string }) {
  return (
    <main style={card}>
      <h1 style={{ marginTop: 0 }}>Atrium library</h1>
      <p>
        {(reason && MESSAGES[reason]) ??
          'This library is part of an Atrium cluster. Sign in through the cluster’s portal to open it.'}
      </p>
      <a id="sign-in" style={button} href={`/auth/login?return_to=${encodeURIComponent(returnTo)}`}>
        Sign in
      </a>
    </main>
  );
}
