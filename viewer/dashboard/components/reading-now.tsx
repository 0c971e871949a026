// "Reading now": who has one of the sender's documents open at this moment, and on which page; the
// "for 1 min 20 s" counters tick every 5 s.

import type { Presence } from '../../../server/realtime/protocol.ts';
import { formatDevice, formatDuration, formatLocation } from '../format.ts';
import { useDocuments } from '../hooks/use-documents.ts';
import { useNow } from '../hooks/use-now.ts';

export function ReadingNow({ readers }: { readers: ReadonlyMap<string, Presence> }) {
  const now = useNow(5000);
  const list = [...readers.values()].sort((a, b) => b.pageSince.localeCompare(a.pageSince));
  return (
    <div class="presence">
      {list.length === 0 && <p class="empty-note">No one is reading right now.</p>}
      <ul class="presence-list">
        {list.map((reader) => (
          <Reader key={reader.visitId} reader={reader} now={now} />
        ))}
      </ul>
    </div>
  );
}

function Reader({ reader, now }: { reader: Presence; now: number }) {
  const doc = useDocuments().byId(reader.documentId);
  const who = reader.recipient || 'Someone with the link';
  const since = now - Date.parse(reader.pageSince);
  const where = [formatDevice(reader.device), formatLocation(reader.location)].filter(Boolean).join(' · ');
  const page = reader.page === null ? 'Opening…' : `Page ${reader.page}${doc?.pageCount ? ` of ${doc.pageCount}` : ''}`;
  return (
    <li class="presence-item">
      <span class="avatar" aria-hidden="true">
        {who.slice(0, 1).toUpperCase()}
      </span>
      <div class="presence-body">
        <p class="presence-who">
          <span class="live-dot" aria-hidden="true" />
          <span class="presence-name">
            <bdi>{who}</bdi>
          </span>
        </p>
        <p class="presence-doc">{doc?.name ?? 'A document'}</p>
        {where && <p class="presence-where">{where}</p>}
      </div>
      <div class="presence-page">
        <span class="presence-page-num">{page}</span>
        {Number.isFinite(since) && reader.page !== null && (
          <span class="presence-since">{`for ${formatDuration(since)}`}</span>
        )}
      </div>
    </li>
  );
}
