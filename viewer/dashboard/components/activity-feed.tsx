// The live activity feed: one line per event (a reader's time on one page grows a single line), newest first,
// highlighted as it arrives; relative times tick every 15 s.

import type { ActivityEvent } from '../../../server/realtime/protocol.ts';
import { actorOf, describeEvent, formatRelative, reasonLabel } from '../format.ts';
import type { ActivityRow } from '../hooks/activity-rows.ts';
import { useDocuments } from '../hooks/use-documents.ts';
import { useNow } from '../hooks/use-now.ts';
import { Icon, type IconName } from './icon.tsx';

const ICONS: Record<ActivityEvent['type'], IconName> = {
  open: 'eye',
  page_view: 'doc',
  download: 'download',
  email_open: 'mail',
  click: 'pointer',
  reply: 'reply',
  auto_reply: 'reply',
  bounce: 'alert',
  attachment_kept: 'alert',
  forward: 'mail',
  access_denied: 'alert',
};

export function ActivityFeed({ rows }: { rows: readonly ActivityRow[] }) {
  const store = useDocuments();
  const now = useNow(15_000);
  return (
    <div class="feed">
      {rows.length === 0 && (
        <p class="empty-note">Nothing yet. Activity shows up here the moment someone opens one of your links.</p>
      )}
      <ol class="feed-list">
        {rows.map((row) => (
          // A new key per live arrival remounts the line, which replays its highlight.
          <FeedLine key={`${row.key}:${row.flash}`} row={row} name={store.nameOf(row.event.documentId)} now={now} />
        ))}
      </ol>
    </div>
  );
}

function FeedLine({ row, name, now }: { row: ActivityRow; name: string | null; now: number }) {
  const { event } = row;
  const muted = event.automated || event.self;
  return (
    <li class={`feed-item feed-${event.type}${row.flash ? ' is-new' : ''}${muted ? ' is-muted' : ''}`}>
      <span class="feed-icon">
        <Icon name={ICONS[event.type] ?? 'doc'} />
      </span>
      <div class="feed-body">
        <p class="feed-text">
          <strong>
            <bdi>{actorOf(event)}</bdi>
          </strong>{' '}
          {describeEvent(event, name, row.totalMs).map((segment, i) =>
            segment.strong ? <strong key={i}>{segment.text}</strong> : segment.text,
          )}
        </p>
        <p class="feed-meta">
          <time dateTime={event.at} title={new Date(event.at).toLocaleString()}>
            {formatRelative(event.at, now)}
          </time>
          {event.automated && <MachineTag event={event} />}
          {event.self && <span class="tag tag-muted">your own view</span>}
        </p>
      </div>
    </li>
  );
}

function MachineTag({ event }: { event: ActivityEvent }) {
  const failed = event.reply?.authFailed;
  return (
    <span
      class="tag tag-muted"
      title={
        failed
          ? 'The reply failed authentication (DMARC, SPF or DKIM): stored, not counted'
          : 'Judged to be a machine: stored, not counted'
      }
    >
      {failed ? 'unverified' : event.automatedReason ? `machine: ${reasonLabel(event.automatedReason)}` : 'automated'}
    </span>
  );
}
