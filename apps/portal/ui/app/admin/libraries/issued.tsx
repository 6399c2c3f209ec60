'use client';

import { when } from '../lib';

export interface Node {
  name: string;
  kind: 'instance' | 'relying_party' | 'service';
  url: string;
  clientId: string;
  joined: boolean;
  redirectUris: string[];
  alg: string;
  health: 'ready' | 'not_ready' | 'unreachable' | null;
  lastSeenAt: string | null;
  lastCheckedAt: string | null;
  version: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
}

export type Issued =
  | { node: Node; joinToken: string; expiresAt: string; env: string; command: string }
  | {
      node: Node;
      clientId: string;
      clientSecret: string;
      issuer: string;
      previousSecretExpiresAt?: string | null;
    };

/** Shown once after a join token or credentials are issued; gone when dismissed. */
export function Once({ issued, onDone }: { issued: Issued; onDone: () => void }) {
  return (
    <section className="adm-panel adm-once" aria-label="Shown once" data-testid="issued">
      <h2 style={{ marginTop: 0 }}>
        {'joinToken' in issued ? `Join token for ${issued.node.name}` : `Credentials for ${issued.node.name}`}
      </h2>
      <p>
        <strong>Copy this now: it is shown only once.</strong>{' '}
        {'joinToken' in issued
          ? `Start the library with these settings (and its own DATABASE_URL, REDIS_URL, ORIGINALS_PATH, CACHE_PATH, ATRIUM_SECRET_KEY). The token works once, until ${when(issued.expiresAt)}.`
          : 'Give these to the client. The portal keeps only a digest of the secret.'}
      </p>
      {'joinToken' in issued ? (
        <>
          <span className="adm-label">Environment</span>
          <pre className="adm-secret" data-testid="join-env">
            {issued.env}
          </pre>
          <span className="adm-label">Command</span>
          <pre className="adm-secret" data-testid="join-command">
            {issued.command}
          </pre>
        </>
      ) : (
        <>
          <span className="adm-label">Client ID</span>
          <pre className="adm-secret" data-testid="client-id">
            {issued.clientId}
          </pre>
          <span className="adm-label">Client secret</span>
          <pre className="adm-secret" data-testid="client-secret">
            {issued.clientSecret}
          </pre>
          <span className="adm-label">Issuer</span>
          <pre className="adm-secret">{issued.issuer}</pre>
          {issued.previousSecretExpiresAt && (
            <p className="adm-hint">
              The previous secret keeps working until {when(issued.previousSecretExpiresAt)}.
            </p>
          )}
        </>
      )}
      <button type="button" className="adm-btn" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
