export interface User {
  id: string;
  username: string;
  name: string;
  email: string | null;
  role: string;
  authProvider: 'local' | 'oidc' | 'ldap' | 'none';
  authId: string | null;
  clusterAdmin: boolean;
  disabled: boolean;
  canLogin: boolean;
  totp: boolean;
  hasPassword: boolean;
  basePath: string | null;
  uploadPath: string | null;
  webdav: boolean;
  groups: string[];
  createdAt: string;
}

export const SIGN_IN: Record<User['authProvider'], string> = {
  local: 'Password at the portal',
  oidc: 'Organization sign-in (OIDC)',
  ldap: 'LDAP / Active Directory',
  none: 'Cannot sign in (for sharing only)',
};
