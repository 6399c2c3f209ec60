export { AuthError, isAuthError, type AuthErrorCode, type AuthErrorOptions } from './errors.js';
export {
  SIGNING_ALGORITHMS,
  VERIFY_ALGORITHMS,
  assertVerifyAlgorithms,
  isSigningAlg,
  type SigningAlg,
} from './algorithms.js';
export {
  MIN_RSA_MODULUS_BITS,
  generateSigningJwk,
  importJwk,
  importJwkCached,
  toPublicJwk,
  toPublicJwks,
  type GenerateSigningJwkOptions,
  type ImportedKey,
  type SigningJwk,
} from './keys.js';
export { toJoseVerifyKey, type JoseVerifyKey, type VerificationKeys } from './key-sources.js';
export {
  DEFAULT_CLOCK_TOLERANCE,
  MAX_CLOCK_TOLERANCE,
  MAX_TOKEN_LENGTH,
  signJwt,
  verifyJwt,
  type SignJwtOptions,
  type SigningKeySource,
  type VerifiedJwt,
  type VerifyJwtOptions,
} from './tokens.js';
export {
  verifyUpstreamIdToken,
  type UpstreamIdTokenClaims,
  type VerifyUpstreamIdTokenOptions,
} from './upstream-id-tokens.js';
export {
  BACKCHANNEL_LOGOUT_EVENT,
  LOGOUT_TOKEN_TYP,
  MAX_LOGOUT_TOKEN_LIFETIME,
  signLogoutToken,
  verifyLogoutToken,
  type LogoutTokenClaims,
  type LogoutTokenInput,
  type VerifyLogoutTokenOptions,
} from './logout-tokens.js';
export {
  DUMMY_PASSWORD_HASH,
  MAX_PASSWORD_BYTES,
  PASSWORD_HASH_PARAMS,
  hashPassword,
  needsRehash,
  verifyDummy,
  verifyPassword,
} from './passwords.js';
export {
  TOTP_DIGITS,
  TOTP_PERIOD,
  TOTP_WINDOW,
  generateTotpCode,
  generateTotpSecret,
  totpUri,
  verifyTotp,
  type TotpUriInput,
  type VerifyTotpOptions,
} from './totp.js';
export {
  DEFAULT_RECOVERY_CODE_COUNT,
  consumeRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
} from './recovery-codes.js';
export {
  PKCE_METHOD,
  assertCodeChallenge,
  codeChallengeS256,
  generateCodeVerifier,
  verifyPkce,
  type PkceCheck,
} from './pkce.js';
export {
  MIN_SECRET_TOKEN_BYTES,
  digestSecret,
  generateSecretToken,
  isDigest,
  safeEqual,
  secretMatchesDigest,
} from './secrets.js';
export { SecretKey, generateSecretKey, parseSecretKey } from './encryption.js';
/** A JSON Web Key as jose types it, for code that handles keys without importing jose. */
export type { JWK as Jwk } from 'jose';
export { epochSeconds } from './clock.js';
export {
  REMOTE_JWKS_COOLDOWN_MS,
  REMOTE_JWKS_MAX_AGE_MS,
  remoteJwks,
  type RemoteJwks,
  type RemoteJwksOptions,
} from './remote-jwks.js';
