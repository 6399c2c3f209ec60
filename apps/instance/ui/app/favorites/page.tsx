'use client';

import { Shell } from '../components/Shell';
import { Timeline, NO_FILTERS } from '../components/Timeline';

const FAVORITES = { ...NO_FILTERS, favorite: true };

/** The photos and videos marked as favorites. */
export default function Favorites() {
  return (
    <Shell current="favorites">
      {() => (
        <>
          <h2>Favorites</h2>
          <Timeline filters={FAVORITES} empty="No favorites yet: open a photo and mark it with the star." />
        </>
      )}
    </Shell>
  );
}
