'use client';

import type { Month } from '../lib/api';

const short = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' });

/**
 * The date scrubber: every year and month with something to show (the month index), each month's
 * mark as long as its share of the library; a click jumps there.
 */
export function Scrubber({ months, onJump }: { months: Month[]; onJump: (month: string) => void }) {
  const years = new Map<string, Month[]>();
  for (const m of months) years.set(m.month.slice(0, 4), [...(years.get(m.month.slice(0, 4)) ?? []), m]);
  const most = Math.max(...months.map((m) => m.count));
  return (
    <nav
      id="scrubber"
      aria-label="Jump to a date"
      style={{
        position: 'sticky',
        top: 8,
        alignSelf: 'flex-start',
        maxHeight: 'calc(100vh - 16px)',
        overflowY: 'auto',
        width: 64,
        fontSize: 12,
      }}
    >
      {[...years].map(([year, list]) => (
        <div key={year} style={{ marginBottom: 6 }}>
          <button
            type="button"
            data-year={year}
            onClick={() => onJump(list[0]!.month)}
            style={{
              font: 'inherit',
              fontWeight: 600,
              background: 'none',
              border: 0,
              padding: '2px 0',
              cursor: 'pointer',
            }}
          >
            {year}
          </button>
          {list.map((m) => (
            <button
              key={m.month}
              type="button"
              data-month={m.month}
              title={`${short(m.month)} ${year}: ${m.count}`}
              onClick={() => onJump(m.month)}
              style={{
                display: 'flex',
                alignItems: 'center',
                gap: 4,
                width: '100%',
                font: 'inherit',
                background: 'none',
                border: 0,
                padding: '1px 0',
                cursor: 'pointer',
                color: '#555',
              }}
            >
              <span style={{ width: 26, textAlign: 'left' }}>{short(m.month)}</span>
              <span
                style={{
                  height: 4,
                  borderRadius: 2,
                  background: '#2f5d50',
                  width: Math.max(3, Math.round((m.count / most) * 30)),
                }}
              />
            </button>
          ))}
        </div>
      ))}
    </nav>
  );
}
