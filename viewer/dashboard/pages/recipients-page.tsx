// The sender's recipients (GET /api/recipients), most recently active first, each linked to their timeline.

import { endpoints } from '../api.ts';
import { Card } from '../components/card.tsx';
import { RecipientLink } from '../components/recipient-link.tsx';
import { formatDuration, formatRelative } from '../format.ts';
import { useApi } from '../hooks/use-api.ts';
import { TableHead } from '../components/table-head.tsx';

export function RecipientsPage() {
  const list = useApi(() => endpoints.recipients(), 'recipients');
  const rows = list.data?.recipients ?? [];
  return (
    <section class="page">
      <h1 class="page-title">Recipients</h1>
      {list.error && (
        <p class="form-error" role="alert">
          {list.error}
        </p>
      )}
      <Card title="Everyone you sent to">
        {list.loading && !list.data ? (
          <p class="empty-note">Loading…</p>
        ) : rows.length === 0 ? (
          <p class="empty-note">Recipients appear once you share a link or send a tracked email.</p>
        ) : (
          <div class="table-wrap">
            <table class="table recipients-table">
              <TableHead
                columns={[
                  'Recipient',
                  'Visits',
                  'Reading time',
                  'Documents',
                  'Opens',
                  'Clicks',
                  'Replies',
                  'Last active',
                ]}
              />
              <tbody>
                {rows.map((r) => (
                  <tr key={r.recipient}>
                    <td class="cell-strong">
                      <RecipientLink address={r.recipient} />
                      {r.forwards > 0 && <span class="badge badge-warning">Forwarded</span>}
                    </td>
                    <td class="cell-num">{r.visits}</td>
                    <td class="cell-num">{formatDuration(r.totalMs)}</td>
                    <td class="cell-num">{r.documents}</td>
                    <td class="cell-num">{r.emailOpens}</td>
                    <td class="cell-num">{r.clicks}</td>
                    <td class="cell-num">{r.replies}</td>
                    <td>{r.lastAt ? formatRelative(r.lastAt) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </section>
  );
}
