import { generate, generateSecret, generateURI, ScureBase32Plugin, verify, type VerifyResult } from 'otplib';
import { epochSeconds } from './clock.js';
import { AuthError } from './errors.js';

/** RFC 6238 parameters every authenticator app understands: HMAC-SHA-1, 6 digits, 30 s steps. */
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one (docs/contracts.md §4: ±1 step). */
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20;
// RFC 4226 §4: at least 128 bits; otplib refuses shorter secrets too.
const MIN_SECRET_BYTES = 16;
const base32 = new ScureBase32Plugin();
const CODE = /^\d{6}$/;

/** What an authenticator app shows for the account. */
export interface TotpUriInput {
  /** Base32 secret from {@link generateTotpSecret}. */
  secret: string;
  /** Service name shown in the app, e.g. the portal's name. */
  issuer: string;
  /** Account label, e.g. the username or email. */
  account: string;
}

/** Options of {@link verifyTotp}. */
export interface VerifyTotpOptions {
  /** Verification time; the current time unless set. */
  now?: Date;
  /** The step stored after the last successful verification; it and every earlier step are refused. */
  lastUsedStep?: number | null;
}

/** A new TOTP secret: 160 random bits, base32 (RFC 4226 recommends 160). */
export function generateTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** The `otpauth://totp/...` URI to render as a QR code during enrolment. */
export function totpUri(input: TotpUriInput): string {
  if (!nonEmpty(input.issuer) || !nonEmpty(input.account)) {
    throw new AuthError('ERR_AUTH_CONFIG', 'a TOTP URI needs an issuer and an account');
  }
  assertSecret(input.secret);
  return generateURI({
    issuer: input.issuer,
    label: input.account,
    secret: input.secret,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
  });
}

/** The code for `secret` at `now` (what the user's app shows). */
export async function generateTotpCode(secret: string, now: Date = new Date()): Promise<string> {
  return withSecretCheck(() =>
    generate({ secret, epoch: epochSeconds(now), period: TOTP_PERIOD, digits: TOTP_DIGITS }),
  );
}

/**
 * Checks `code` against the steps current−1 … current+1 and resolves to the matched step, which the
 * caller stores as `lastUsedStep` (atomically, with the sign-in) so the code cannot be used again.
 * Throws `ERR_TOTP_REPLAY` for a code of `lastUsedStep` or earlier, `ERR_TOTP_INVALID` otherwise,
 * `ERR_TOTP_SECRET` for an unreadable secret.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  options: VerifyTotpOptions = {},
): Promise<number> {
  const token = typeof code === 'string' ? code.replace(/\s+/g, '') : '';
  if (!CODE.test(token)) throw new AuthError('ERR_TOTP_INVALID', 'a TOTP code is 6 digits');
  const lastUsedStep = readLastUsedStep(options.lastUsedStep);
  const epoch = epochSeconds(options.now);
  const newestStep = Math.floor(epoch / TOTP_PERIOD) + TOTP_WINDOW;
  // otplib refuses an afterTimeStep beyond the window; clamping keeps "every step in the window is used".
  const afterTimeStep = lastUsedStep === undefined ? undefined : Math.min(lastUsedStep, newestStep);
  const fresh = await matchStep(secret, token, epoch, afterTimeStep);
  if (fresh !== undefined) return fresh;
  const replayed =
    afterTimeStep !== undefined && (await matchStep(secret, token, epoch, undefined)) !== undefined;
  throw replayed
    ? new AuthError('ERR_TOTP_REPLAY', 'this TOTP code was already used')
    : new AuthError('ERR_TOTP_INVALID', 'TOTP code does not match');
}

async function matchStep(
  secret: string,
  token: string,
  epoch: number,
  afterTimeStep: number | undefined,
): Promise<number | undefined> {
  // The functional verify types TOTP and HOTP results together; with no strategy it runs TOTP.
  const result = (await withSecretCheck(() =>
    verify({
      secret,
      token,
      epoch,
      period: TOTP_PERIOD,
      digits: TOTP_DIGITS,
      epochTolerance: TOTP_WINDOW * TOTP_PERIOD,
      ...(afterTimeStep === undefined ? {} : { afterTimeStep }),
    }),
  )) as VerifyResult;
  return result.valid ? result.timeStep : undefined;
}

function readLastUsedStep(value: number | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AuthError('ERR_AUTH_CONFIG', 'lastUsedStep must be a non-negative integer');
  }
  return value;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

// otplib's generateURI does not look at the secret, so an enrolment QR code is checked here.
function assertSecret(secret: string): void {
  let bytes: Uint8Array | undefined;
  try {
    bytes = base32.decode(secret);
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined || bytes.length < MIN_SECRET_BYTES) {
    throw new AuthError('ERR_TOTP_SECRET', 'TOTP secret is not a valid base32 secret of 128+ bits');
  }
}

// The code and options are checked before otplib runs, so what otplib still refuses is the secret.
async function withSecretCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new AuthError('ERR_TOTP_SECRET', 'TOTP secret is not a valid base32 secret of 128+ bits', {
      cause,
    });
  }
}
