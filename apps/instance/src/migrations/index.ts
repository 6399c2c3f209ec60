import { Settings1763900000000 } from '@atrium/server';
import { Sessions1764000000000 } from './1764000000000-sessions.js';
import { Library1764100000000 } from './1764100000000-library.js';
import { AlbumMembership1764200000000 } from './1764200000000-album-membership.js';
import { Curation1764300000000 } from './1764300000000-curation.js';
import { DerivativeRevisions1764400000000 } from './1764400000000-derivative-revisions.js';
import { AlbumOrder1764500000000 } from './1764500000000-album-order.js';

/** Every instance migration, oldest first. */
export const instanceMigrations = [
  Settings1763900000000,
  Sessions1764000000000,
  Library1764100000000,
  AlbumMembership1764200000000,
  Curation1764300000000,
  DerivativeRevisions1764400000000,
  AlbumOrder1764500000000,
];
