/** The key under which the global setup provides the run's Postgres superuser URL. */
export const POSTGRES_URL_KEY = 'postgresUrl';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
