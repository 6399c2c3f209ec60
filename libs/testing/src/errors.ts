/** Stable codes for every failure the harness reports; tests switch on `code`, not on messages. */
export type HarnessErrorCode =
  | 'ERR_EXECUTABLE_MISSING'
  | 'ERR_SERVICE_START'
  | 'ERR_SERVICE_TIMEOUT'
  | 'ERR_DIR_NOT_SEARCHABLE'
  | 'ERR_POSTGRES_DATA_DIR_IN_USE'
  | 'ERR_POSTGRES_URL_MISSING'
  | 'ERR_TEST_DB_PREFIX'
  | 'ERR_LDAP_SUFFIX'
  | 'ERR_LDAP_GROUP_EMPTY'
  | 'ERR_OIDC_LOGIN'
  | 'ERR_OIDC_LOGIN_REJECTED'
  | 'ERR_SMTP_TIMEOUT';

/** An error raised by the test harness, carrying a stable {@link HarnessErrorCode}. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';

  constructor(
    readonly code: HarnessErrorCode,
    message: string,
  ) {
    super(message);
  }
}
