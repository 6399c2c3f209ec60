'use client';

import { useCallback, useState } from 'react';
import type { Session } from '../lib/api';
import { SelectionBar } from './SelectionBar';
import { Timeline, type Filters } from './Timeline';

/** A timeline with the selection bar over it: what every signed-in screen of photos shows. */
export function LibraryTimeline({
  session,
  filters,
  empty,
  albumId,
}: {
  session: Session;
  filters: Filters;
  empty?: string;
  albumId?: string;
}) {
  const [selected, setSelected] = useState<string[]>([]);
  const [reload, setReload] = useState(0);
  const onSelection = useCallback((ids: string[]) => setSelected(ids), []);
  return (
    <>
      <SelectionBar
        session={session}
        ids={selected}
        albumId={albumId}
        onChanged={() => setReload((n) => n + 1)}
        onClear={() => setReload((n) => n + 1)}
      />
      <Timeline
        filters={filters}
        empty={empty}
        onSelection={onSelection}
        reloadKey={reload}
        canEdit={session.permissions.includes('asset.edit')}
        canComment={session.permissions.includes('comment.create')}
      />
    </>
  );
}
