import { AdmissionService } from './admission.service.js';
import { AccountService } from './account.service.js';
import { DirectoryService } from './directory.service.js';
import { GrantService } from './grant.service.js';
import { InteractionService } from './interaction.service.js';
import { KeyService } from './key.service.js';
import { LoginAuditService } from './login-audit.service.js';
import { MaintenanceService } from './maintenance.service.js';
import { NodeService } from './node.service.js';
import { OutboxWorker } from './outbox.worker.js';
import { RevocationService } from './revocation.service.js';
import { SessionAdminService } from './session-admin.service.js';
import { SessionService } from './session.service.js';
import { SetupService } from './setup.service.js';
import { SignInService } from './sign-in.service.js';
import { ThrottleService } from './throttle.service.js';

export const portalServices = [
  AdmissionService,
  AccountService,
  DirectoryService,
  GrantService,
  InteractionService,
  KeyService,
  LoginAuditService,
  MaintenanceService,
  NodeService,
  OutboxWorker,
  RevocationService,
  SessionAdminService,
  SessionService,
  SetupService,
  SignInService,
  ThrottleService,
];
