// Visits per day as SVG columns, the first and last day labelled.

import type { Analytics } from '../api.ts';
import { useWidth } from '../hooks/use-width.ts';

const H = 140;
const PAD = { top: 10, bottom: 22, side: 4 };

function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

export function VisitsOverTime({ days }: { days: Analytics['overTime'] }) {
  const { ref, width: W } = useWidth<HTMLDivElement>(640);
  if (days.length === 0)
    return (
      <div ref={ref}>
        <p class="empty-note">Visits per day appear after the first visit.</p>
      </div>
    );
  const shown = days.slice(-90);
  const max = Math.max(1, ...shown.map((d) => d.visits));
  const innerH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.side * 2) / shown.length;
  const barW = Math.max(1.5, Math.min(28, slot * 0.7));
  const first = shown[0];
  const last = shown.at(-1);
  return (
    <div ref={ref}>
      <svg class="chart time-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Visits per day">
        <line class="chart-axis" x1={PAD.side} x2={W - PAD.side} y1={PAD.top + innerH} y2={PAD.top + innerH} />
        {shown.map((d, i) => {
          const h = (d.visits / max) * innerH;
          return (
            <rect
              key={d.day}
              class="chart-bar"
              x={PAD.side + slot * i + (slot - barW) / 2}
              y={PAD.top + innerH - h}
              width={barW}
              height={h}
              rx={Math.min(3, barW / 3)}
            >
              <title>{`${dayLabel(d.day)}: ${d.visits} visit${d.visits === 1 ? '' : 's'}`}</title>
            </rect>
          );
        })}
        {first && (
          <text class="chart-label" x={PAD.side} y={H - 6}>
            {dayLabel(first.day)}
          </text>
        )}
        {last && last !== first && (
          <text class="chart-label" x={W - PAD.side} y={H - 6} text-anchor="end">
            {dayLabel(last.day)}
          </text>
        )}
        <text class="chart-label" x={W - PAD.side} y={PAD.top + 8} text-anchor="end">
          {`max ${max}/day`}
        </text>
      </svg>
    </div>
  );
}
