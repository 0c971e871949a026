// A short ranked list with proportional bars: devices, browsers, where readers stop.

export interface BreakdownRow {
  name: string;
  value: number;
}

export function Breakdown({ rows, empty, unit }: { rows: BreakdownRow[]; empty: string; unit: string }) {
  const shown = rows.filter((r) => r.value > 0);
  if (shown.length === 0) return <p class="empty-note">{empty}</p>;
  const max = Math.max(...shown.map((r) => r.value));
  return (
    <ul class="breakdown">
      {shown.map((r) => (
        <li key={r.name} class="breakdown-row">
          <span class="breakdown-name" dir="auto">
            {r.name}
          </span>
          <span class="bar">
            <span class="bar-fill" style={{ '--value': `${(r.value / max) * 100}%` }} />
          </span>
          <span class="breakdown-value">
            {r.value} {unit}
          </span>
        </li>
      ))}
    </ul>
  );
}
