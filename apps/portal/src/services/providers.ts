import { AdminAuditService } from './admin-audit.service.js';
import { AdmissionService } from './admission.service.js';
import { AccountPageService } from './account-page.service.js';
import { AccountService } from './account.service.js';
import { AppPasswordService } from './app-password.service.js';
import { DirectoryService } from './directory.service.js';
import { GrantService } from './grant.service.js';
import { InteractionService } from './interaction.service.js';
import { InvitationService } from './invitation.service.js';
import { KeyService } from './key.service.js';
import { LoginAuditService } from './login-audit.service.js';
import { MailService, MailWorker } from './mail.service.js';
import { MaintenanceService } from './maintenance.service.js';
import { NodeService } from './node.service.js';
import { OutboxWorker } from './outbox.worker.js';
import { PasswordResetService } from './password-reset.service.js';
import { RevocationService } from './revocation.service.js';
import { SessionAdminService } from './session-admin.service.js';
import { SessionService } from './session.service.js';
import { SetupService } from './setup.service.js';
import { SignInService } from './sign-in.service.js';
import { ThrottleService } from './throttle.service.js';

export const portalServices = [
  AdminAuditService,
  AdmissionService,
  AccountService,
  AccountPageService,
  AppPasswordService,
  DirectoryService,
  GrantService,
  InteractionService,
  InvitationService,
  KeyService,
  LoginAuditService,
  MailService,
  MailWorker,
  MaintenanceService,
  NodeService,
  OutboxWorker,
  PasswordResetService,
  RevocationService,
  SessionAdminService,
  SessionService,
  SetupService,
  SignInService,
  ThrottleService,
];
