import { Settings1763900000000 } from '@atrium/server';

/** Every portal migration, oldest first. */
export const portalMigrations = [Settings1763900000000];
