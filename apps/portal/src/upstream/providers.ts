import { FederatedAccountService } from './federated-accounts.service.js';
import { LdapSignInService } from './ldap/ldap-sign-in.service.js';
import { OidcProviderRegistry } from './oidc/oidc-providers.service.js';
import { OidcSignInService } from './oidc/oidc-sign-in.service.js';

/** Sign-in through the organization (OIDC providers, LDAP / Active Directory). */
export const upstreamServices = [
  FederatedAccountService,
  LdapSignInService,
  OidcProviderRegistry,
  OidcSignInService,
];
