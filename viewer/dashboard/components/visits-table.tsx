// The visits table with its filters (recipient, device, country), filtered by the server.

import type { Visit } from '../api.ts';
import { formatDevice, formatDuration, formatLocation, formatRelative } from '../format.ts';
import { RecipientLink } from './recipient-link.tsx';
import { TableHead } from './table-head.tsx';

export interface VisitFilters {
  recipient: string;
  device: string;
  country: string;
}

export const NO_FILTERS: VisitFilters = { recipient: '', device: '', country: '' };

const DEVICES = ['desktop', 'mobile', 'tablet', 'bot', 'other'];

export function VisitFilterBar(props: {
  filters: VisitFilters;
  recipients: string[];
  countries: string[];
  onChange: (f: VisitFilters) => void;
}) {
  const set = (patch: Partial<VisitFilters>) => props.onChange({ ...props.filters, ...patch });
  return (
    <div class="filters" role="group" aria-label="Filter visits">
      <select
        class="input input-sm"
        aria-label="Recipient"
        value={props.filters.recipient}
        onChange={(e) => set({ recipient: e.currentTarget.value })}
      >
        <option value="">All recipients</option>
        {props.recipients.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <select
        class="input input-sm"
        aria-label="Device"
        value={props.filters.device}
        onChange={(e) => set({ device: e.currentTarget.value })}
      >
        <option value="">All devices</option>
        {DEVICES.map((d) => (
          <option key={d} value={d}>
            {d[0]?.toUpperCase() + d.slice(1)}
          </option>
        ))}
      </select>
      <select
        class="input input-sm"
        aria-label="Country"
        value={props.filters.country}
        onChange={(e) => set({ country: e.currentTarget.value })}
      >
        <option value="">All countries</option>
        {props.countries.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </div>
  );
}

export function VisitsTable({ visits }: { visits: Visit[] }) {
  if (visits.length === 0) return <p class="empty-note">No visits yet. Send a link and watch this space.</p>;
  const sorted = [...visits].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return (
    <div class="table-wrap">
      <table class="table visits-table">
        <TableHead columns={['Recipient', 'Device', 'Location', 'Started', 'Time', 'Pages', 'Last page']} />
        <tbody>
          {sorted.map((v) => (
            <tr key={v.id}>
              <td class="cell-strong">
                <RecipientLink address={v.recipient} />
                {v.self && <span class="badge badge-muted">You</span>}
                {v.automated && <span class="badge badge-muted">Machine</span>}
              </td>
              <td>{formatDevice(v.device) ?? '–'}</td>
              <td dir="auto">{formatLocation(v.location) ?? '–'}</td>
              <td>
                <time dateTime={v.startedAt} title={new Date(v.startedAt).toLocaleString()}>
                  {formatRelative(v.startedAt)}
                </time>
              </td>
              <td class="cell-num">{formatDuration(v.totalMs)}</td>
              <td class="cell-num">{String(v.pagesViewed)}</td>
              <td class="cell-num">{v.lastPage === null ? '–' : String(v.lastPage)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
