'use client';

import { Shell } from '../components/Shell';
import { LibraryTimeline } from '../components/LibraryTimeline';
import { NO_FILTERS } from '../components/Timeline';

const FAVORITES = { ...NO_FILTERS, favorite: true };

/** The photos and videos marked as favorites. */
export default function Favorites() {
  return (
    <Shell current="favorites">
      {(session) => (
        <>
          <h2>Favorites</h2>
          <LibraryTimeline
            session={session}
            filters={FAVORITES}
            empty="No favorites yet: select photos and mark them with ♥."
          />
        </>
      )}
    </Shell>
  );
}
