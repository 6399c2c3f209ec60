import { AuthError } from './errors.js';

/** Algorithms Atrium signs with: Ed25519 for nodes, RSA for generic relying parties (docs/contracts.md §1). */
export const SIGNING_ALGORITHMS = ['EdDSA', 'RS256'] as const;

/** An algorithm Atrium signs with. */
export type SigningAlg = (typeof SIGNING_ALGORITHMS)[number];

/**
 * Asymmetric JWS algorithms a verifier may pin. `none` and the HMAC family are absent on purpose:
 * a verifier holding a public key must never treat it as a shared secret.
 */
export const VERIFY_ALGORITHMS: ReadonlySet<string> = new Set([
  'EdDSA',
  'Ed25519',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
]);

/** True when `alg` is one of {@link SIGNING_ALGORITHMS}. */
export function isSigningAlg(alg: unknown): alg is SigningAlg {
  return alg === 'EdDSA' || alg === 'RS256';
}

/** Refuses an empty list, `none`, HMAC or unknown algorithms with `ERR_AUTH_CONFIG`. */
export function assertVerifyAlgorithms(algorithms: readonly string[]): void {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new AuthError('ERR_AUTH_CONFIG', 'algorithms must name at least one algorithm');
  }
  for (const alg of algorithms) {
    if (!VERIFY_ALGORITHMS.has(alg)) {
      throw new AuthError('ERR_AUTH_CONFIG', `algorithm ${String(alg)} is not allowed for verification`);
    }
  }
}
