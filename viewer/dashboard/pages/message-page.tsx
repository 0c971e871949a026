// One sent message: its status, and per recipient what happened in order (opens, clicks, replies, document
// opens), machines and the sender's own shown apart (muted, with the reason) and never counted. Refreshed every
// 10 s and shortly after live activity.

import type { MessageJson } from '../../../server/api-types.ts';
import type { ActivityEvent } from '../../../server/realtime/protocol.ts';
import { endpoints } from '../api.ts';
import { RelativeTime, Tag } from '../components/badge.tsx';
import { Icon, type IconName } from '../components/icon.tsx';
import { DeliveryBadge, MachineNote, readingOf, StatusChip } from '../components/message-signals.tsx';
import { describeEvent, reasonLabel } from '../format.ts';
import { useActivityPulse } from '../hooks/use-activity.ts';
import { useApi } from '../hooks/use-api.ts';
import { useDebouncedPulse } from '../hooks/use-debounced-pulse.ts';
import { useInterval } from '../hooks/use-interval.ts';

const REFRESH_MS = 10_000;

const ICONS: Partial<Record<ActivityEvent['type'], IconName>> = {
  email_open: 'mail',
  click: 'pointer',
  reply: 'reply',
  open: 'eye',
  download: 'download',
};

function TimelineEvent({ event: e, docName }: { event: ActivityEvent; docName: string | null }) {
  return (
    <li class={`timeline-item${e.automated || e.self ? ' is-muted' : ''}`}>
      <span class="feed-icon">
        <Icon name={ICONS[e.type] ?? 'doc'} />
      </span>
      <div class="feed-body">
        <p class="timeline-text">
          {describeEvent(e, docName).map((s, i) => (s.strong ? <strong key={i}>{s.text}</strong> : s.text))}
        </p>
        <p class="timeline-meta">
          <RelativeTime at={e.at} />
          {e.automated && <Tag>{`machine: ${reasonLabel(e.automatedReason)}`}</Tag>}
          {e.self && <Tag>you</Tag>}
        </p>
      </div>
    </li>
  );
}

function RecipientCard({ copy: c, names }: { copy: MessageJson['copies'][number]; names: Map<string, string> }) {
  const events = [...c.events].reverse();
  return (
    <section class="card message-recipient" data-recipient={c.recipient}>
      <div class="sent-head">
        <h2 class="sent-subject">
          {c.recipient}
          <Tag>{c.role.toUpperCase()}</Tag>
        </h2>
        <span class="message-badges">
          <DeliveryBadge copy={c} />
          <StatusChip signals={c.signals} />
        </span>
      </div>
      <p class="sent-reading">{readingOf(c)}</p>
      <MachineNote signals={c.signals} />
      {events.length ? (
        <ol class="timeline">
          {events.map((e) => (
            <TimelineEvent key={e.id} event={e} docName={e.documentId ? (names.get(e.documentId) ?? null) : null} />
          ))}
        </ol>
      ) : (
        <p class="empty-note">Nothing yet.</p>
      )}
    </section>
  );
}

export function MessagePage({ id }: { id: string }) {
  const pulse = useActivityPulse((event) => event.messageId === id);
  const message = useApi(() => endpoints.message(id), id);
  useInterval(message.reload, REFRESH_MS);
  useDebouncedPulse(pulse, 1500, message.reload);
  const m = message.data;
  const names = new Map((m?.documents ?? []).map((d) => [d.id, d.name]));
  return (
    <section class="page">
      <div class="page-header">
        <a class="btn btn-ghost btn-sm" href="#/sent">
          <Icon name="back" />
          Sent
        </a>
        <h1 class="page-title">{m ? m.subject || '(no subject)' : 'Message'}</h1>
        <span class="message-status">{m && <StatusChip signals={m.signals} />}</span>
      </div>
      <div class="message-body">
        {m ? (
          m.copies.map((c) => <RecipientCard key={c.recipient} copy={c} names={names} />)
        ) : (
          <p class="empty-note">{message.error ?? 'Loading…'}</p>
        )}
      </div>
    </section>
  );
}
