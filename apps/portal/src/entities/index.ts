import { SettingEntity } from '@atrium/server';
import { GrantEntity, GroupMappingEntity } from './admission.entity.js';
import { AccountEntity, AccountGroupEntity } from './account.entity.js';
import { AppPasswordEntity } from './app-password.entity.js';
import { AdminAuditEntity, LoginAuditEntity, ThrottleEntity } from './audit.entity.js';
import { EmailLinkEntity, MailOutboxEntity } from './email.entity.js';
import { JoinTokenEntity, NodeEntity } from './node.entity.js';
import { OidcPayloadEntity, SigningKeyEntity } from './oidc.entity.js';
import { LogoutOutboxEntity } from './outbox.entity.js';
import { OpSessionLinkEntity, PortalSessionEntity } from './session.entity.js';
import { UpstreamOidcStateEntity } from './upstream.entity.js';

export * from './admission.entity.js';
export * from './account.entity.js';
export * from './app-password.entity.js';
export * from './audit.entity.js';
export * from './email.entity.js';
export * from './node.entity.js';
export * from './oidc.entity.js';
export * from './outbox.entity.js';
export * from './session.entity.js';
export * from './upstream.entity.js';

/** Every portal entity. */
export const portalEntities = [
  SettingEntity,
  AccountEntity,
  AccountGroupEntity,
  PortalSessionEntity,
  OpSessionLinkEntity,
  NodeEntity,
  JoinTokenEntity,
  GrantEntity,
  GroupMappingEntity,
  OidcPayloadEntity,
  SigningKeyEntity,
  LogoutOutboxEntity,
  AdminAuditEntity,
  LoginAuditEntity,
  ThrottleEntity,
  UpstreamOidcStateEntity,
  EmailLinkEntity,
  MailOutboxEntity,
  AppPasswordEntity,
];
