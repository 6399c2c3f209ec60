/** The environment the harness reads; the one place in this package that touches `process.env`. */
export interface HarnessEnv {
  /** An existing Postgres server to use instead of starting one (`DATABASE_URL`). */
  databaseUrl: string | undefined;
  /** Folders searched for executables (`PATH`). */
  path: string;
}

/** Reads the harness's settings from the environment. */
export function readHarnessEnv(): HarnessEnv {
  return { databaseUrl: process.env.DATABASE_URL || undefined, path: process.env.PATH ?? '' };
}
