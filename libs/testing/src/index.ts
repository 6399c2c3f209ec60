export { launchBrowser, CHROMIUM_FLAGS } from './browser.js';
export { CookieJar } from './cookie-jar.js';
export { HarnessError, type HarnessErrorCode } from './errors.js';
export { driveOidcLogin, type OidcLoginCredentials } from './oidc-login.js';
export type { IdTokenTamper } from './oidc-tamper.js';
export {
  startOidcProvider,
  type OidcProviderOptions,
  type OidcUser,
  type TestOidcProvider,
} from './oidc-provider.js';
export { freePort } from './ports.js';
export { startPostgres, type PostgresOptions, type TestPostgres } from './postgres.js';
export { findExecutable, sweepStaleTempDirs } from './processes.js';
export { startRedis, type RedisOptions, type TestRedis } from './redis.js';
export {
  startSlapd,
  type LdapGroupSpec,
  type LdapUserSpec,
  type SlapdOptions,
  type TestSlapd,
} from './slapd.js';
export { createTestCertificates, type TestCertificates } from './tls.js';
export { startSmtp, type ReceivedMessage, type TestSmtp } from './smtp.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
