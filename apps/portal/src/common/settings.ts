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
}

export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');
