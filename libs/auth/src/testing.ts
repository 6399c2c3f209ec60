// `@atrium/auth/testing`: helpers for other projects' tests that need tokens no production code
// would sign (hostile claims and headers). Only test files import this entry point.
import { SignJWT, importJWK, type JWK } from 'jose';

/** A JWT with exactly these protected header fields and claims, signed with `jwk` (its `alg`). */
export async function signRawJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  jwk: JWK,
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: jwk.alg!, ...header }).sign(await importJWK(jwk, jwk.alg));
}
