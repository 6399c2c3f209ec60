import type { SecretKey } from '@atrium/auth';

/** What the portal's services need from its configuration (the CLI builds one from its own settings). */
export interface PortalSettings {
  /** The issuer and the origin of every portal page. */
  publicUrl: string;
  secretKey: SecretKey;
  sessionMaxAgeMs: number;
  sessionIdleMs: number;
  disabledFeatures: string[];
  /** Account role of accounts created at first federated sign-in or by self-registration. */
  defaultRole: string;
  /** ATRIUM_SELF_REGISTRATION: anyone may ask for an account by mail (it opens nothing). */
  selfRegistration: boolean;
  /** SMTP_URL; when unset, mail is not sent and an invitation's link is handed to the admin. */
  smtpUrl: string | undefined;
  mailFrom: string;
}

export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');
