import { Settings1763900000000 } from '@atrium/server';

/** Every instance migration, oldest first. */
export const instanceMigrations = [Settings1763900000000];
