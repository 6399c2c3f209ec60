import { CommandError } from '../cli.js';
import { databaseUrl, dataDirFrom, readSettings } from '../start/settings.js';

/** Where an admin command finds the portal (docs/contracts.md §6): DATABASE_URL, else what `atrium start` left. */
export interface PortalTarget {
  databaseUrl: string;
  secretKey: string;
  publicUrl?: string;
  /** SMTP_URL: invitations are then mailed by the portal; without it, their link is printed. */
  smtpUrl?: string;
  mailFrom?: string;
}

/**
 * The admin commands' configuration, read once: `DATABASE_URL` with `ATRIUM_SECRET_KEY` (and
 * `PUBLIC_URL`) inside a container, or the settings of `atrium start` in `--data DIR`, `ATRIUM_DATA`
 * or `./.atrium`.
 */
export function portalTarget(
  dataOption: string | undefined,
  env: Record<string, string | undefined> = process.env,
): PortalTarget {
  if (env.DATABASE_URL) {
    if (!env.ATRIUM_SECRET_KEY) throw new CommandError('ATRIUM_SECRET_KEY: is required with DATABASE_URL');
    return {
      databaseUrl: env.DATABASE_URL,
      secretKey: env.ATRIUM_SECRET_KEY,
      publicUrl: env.PUBLIC_URL,
      smtpUrl: env.SMTP_URL,
      mailFrom: env.SMTP_FROM,
    };
  }
  const dataDir = dataDirFrom(dataOption);
  const settings = readSettings(dataDir);
  if (!settings)
    throw new CommandError(
      `no portal database: set DATABASE_URL and ATRIUM_SECRET_KEY, or run atrium start first (looked in ${dataDir})`,
    );
  return {
    databaseUrl: databaseUrl(settings, settings.portal.database),
    secretKey: settings.secretKey,
    publicUrl: env.PUBLIC_URL ?? `http://127.0.0.1:${settings.portal.port}`,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.SMTP_FROM,
  };
}
