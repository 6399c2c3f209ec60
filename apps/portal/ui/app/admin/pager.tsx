'use client';

import type { ReactNode } from 'react';

/** Previous/Next under a list (Newer/Older for the audits), with what the page shows between them. */
export function Pager(props: {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  labels?: [previous: string, next: string];
  children?: ReactNode;
}) {
  const [previous, next] = props.labels ?? ['Previous', 'Next'];
  return (
    <div className="adm-pager">
      <button
        type="button"
        className="adm-btn secondary small"
        disabled={!props.hasPrevious}
        onClick={props.onPrevious}
      >
        {previous}
      </button>
      {props.children}
      <button
        type="button"
        className="adm-btn secondary small"
        disabled={!props.hasNext}
        onClick={props.onNext}
      >
        {next}
      </button>
    </div>
  );
}
