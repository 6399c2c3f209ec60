import { AdmissionRepository } from './admission.repository.js';
import { AccountRepository } from './account.repository.js';
import { AppPasswordRepository } from './app-password.repository.js';
import { AuditRepository } from './audit.repository.js';
import { Database } from './database.js';
import { EmailLinkRepository } from './email-link.repository.js';
import { IssuerReadsRepository } from './issuer-reads.repository.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';
import { NodeRepository } from './node.repository.js';
import { OidcPayloadRepository } from './oidc-payload.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { PreparedQueries } from './prepared.js';
import { SessionRepository } from './session.repository.js';
import { SetupRepository } from './setup.repository.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import { ThrottleRepository } from './throttle.repository.js';
import { UpstreamRepository } from './upstream.repository.js';

export const portalRepositories = [
  Database,
  AdmissionRepository,
  AccountRepository,
  AppPasswordRepository,
  AuditRepository,
  EmailLinkRepository,
  IssuerReadsRepository,
  MailOutboxRepository,
  NodeRepository,
  OidcPayloadRepository,
  OutboxRepository,
  PreparedQueries,
  SessionRepository,
  SetupRepository,
  SigningKeyRepository,
  ThrottleRepository,
  UpstreamRepository,
];
