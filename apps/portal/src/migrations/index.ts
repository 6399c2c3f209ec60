import { Settings1763900000000 } from '@atrium/server';
import { PortalCore1763910000000 } from './1763910000000-portal-core.js';
import { LoginAuditReasons1765040000000 } from './1765040000000-login-audit-reasons.js';
import { UpstreamSignIn1765050000000 } from './1765050000000-upstream-sign-in.js';
import { AccountsByEmail1765060000000 } from './1765060000000-accounts-by-email.js';
import { NodeHealth1765090000000 } from './1765090000000-node-health.js';

/** Every portal migration, oldest first. */
export const portalMigrations = [
  Settings1763900000000,
  PortalCore1763910000000,
  LoginAuditReasons1765040000000,
  UpstreamSignIn1765050000000,
  AccountsByEmail1765060000000,
  NodeHealth1765090000000,
];
