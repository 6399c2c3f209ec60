import { createPrivateKey, createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { JWK } from 'oidc-provider';

/**
 * How a misbehaving IdP answers at its token endpoint: the ID token's claims changed (another
 * audience, no nonce), or signed with a key its JWKS does not publish. For hostile tests of
 * relying parties; a test IdP without `tamper` is a correct one.
 */
export interface IdTokenTamper {
  /** Returns the claims to send instead (mutating the argument is fine). */
  claims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** `foreign-key`: a key not in the JWKS under the real kid; `unknown-kid`: that key under a new kid. */
  signature?: 'foreign-key' | 'unknown-kid';
}

let foreign: KeyObject | undefined;

function part(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** RS256 over `header.payload`, as any JWT library would produce it. */
function signRs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${part(header)}.${part(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

function resign(idToken: string, tamper: IdTokenTamper, jwk: JWK): string {
  const [headerPart, payloadPart] = idToken.split('.');
  const header = JSON.parse(Buffer.from(headerPart ?? '', 'base64url').toString()) as Record<string, unknown>;
  let claims = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString()) as Record<string, unknown>;
  if (tamper.claims) claims = tamper.claims(claims);
  let key = createPrivateKey({ key: jwk as never, format: 'jwk' });
  if (tamper.signature) {
    foreign ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    key = foreign;
    if (tamper.signature === 'unknown-kid') header.kid = randomUUID();
  }
  return signRs256({ ...header, alg: 'RS256' }, claims, key);
}

/** Rewrites the `id_token` of the token endpoint's JSON answer on its way out. */
export function tamperTokenResponse(res: ServerResponse, tamper: IdTokenTamper, jwk: JWK): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    let body = chunk === undefined ? '' : String(chunk);
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      if (typeof json.id_token === 'string') {
        json.id_token = resign(json.id_token, tamper, jwk);
        body = JSON.stringify(json);
        if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(body));
      }
    } catch {
      // Not JSON (an error page): sent as it is.
    }
    return end(body);
  }) as ServerResponse['end'];
}
