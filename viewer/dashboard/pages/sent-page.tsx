// The Sent list: each message sent through Pagetrail with its status at a glance (not opened / opened N times /
// read the documents / clicked / replied), machine signals apart, and per recipient the same and what they have
// read so far (visits and time on each document's link). A message opens on its own page with timelines.
// Refreshed every 15 s and shortly after live activity on a message.

import type { MessageJson } from '../../../server/api-types.ts';
import { endpoints } from '../api.ts';
import { RelativeTime, Tag } from '../components/badge.tsx';
import { Icon } from '../components/icon.tsx';
import { DeliveryBadge, MachineNote, machineText, readingOf, StatusChip } from '../components/message-signals.tsx';
import { useActivityPulse } from '../hooks/use-activity.ts';
import { useApi } from '../hooks/use-api.ts';
import { useDebouncedPulse } from '../hooks/use-debounced-pulse.ts';
import { useInterval } from '../hooks/use-interval.ts';

const REFRESH_MS = 15_000;

async function loadSent(): Promise<MessageJson[]> {
  const { messages } = await endpoints.messages();
  return Promise.all(messages.map((m) => endpoints.message(m.id)));
}

function RecipientRow({ copy: c }: { copy: MessageJson['copies'][number] }) {
  const reading = readingOf(c);
  return (
    <li class="sent-recipient" data-recipient={c.recipient}>
      <span class="sent-address">{c.recipient}</span>
      <Tag>{c.role.toUpperCase()}</Tag>
      <DeliveryBadge copy={c} />
      <StatusChip signals={c.signals} />
      <span class="sent-reading">
        {reading}
        {reading && machineText(c.signals) ? ' · ' : ''}
        <MachineNote signals={c.signals} />
      </span>
    </li>
  );
}

function MessageCard({ message: m }: { message: MessageJson }) {
  const at = m.sentAt ?? m.createdAt;
  return (
    <li class="card sent-item" data-message-id={m.id}>
      <div class="sent-head">
        <h3 class="sent-subject">
          <a href={`#/sent/${encodeURIComponent(m.id)}`}>{m.subject || '(no subject)'}</a>
        </h3>
        <StatusChip signals={m.signals} />
        <RelativeTime at={at} />
      </div>
      <MachineNote signals={m.signals} />
      {m.attachments.length > 0 && (
        <ul class="sent-docs">
          {m.attachments.map((a, i) => (
            <li key={`${a.name}-${i}`} class={`sent-doc sent-doc-${a.outcome}`} title={a.reason ?? ''}>
              <Icon name={a.outcome === 'document' ? 'link' : 'doc'} />
              {a.documentId ? (
                <a href={`#/documents/${encodeURIComponent(a.documentId)}`}>{a.name}</a>
              ) : (
                <span>{a.name}</span>
              )}
              {a.outcome === 'kept' && <Tag>attached</Tag>}
            </li>
          ))}
        </ul>
      )}
      <ul class="sent-recipients">
        {m.copies.map((c) => (
          <RecipientRow key={c.recipient} copy={c} />
        ))}
      </ul>
    </li>
  );
}

export function SentPage() {
  const pulse = useActivityPulse((event) => Boolean(event.messageId));
  const sent = useApi(loadSent, 'sent');
  useInterval(sent.reload, REFRESH_MS);
  useDebouncedPulse(pulse, 1500, sent.reload);
  const list = sent.data;
  return (
    <section class="page">
      <div class="page-header">
        <h1 class="page-title">Sent</h1>
        <a class="btn btn-primary" href="#/compose">
          <Icon name="mail" />
          Compose
        </a>
      </div>
      {sent.error && !list && <p class="empty-note">{sent.error}</p>}
      {!list && !sent.error && <p class="empty-note">Loading…</p>}
      {list?.length === 0 && (
        <p class="empty-note">
          Nothing sent yet. Messages you send through the relay or the compose page show up here.
        </p>
      )}
      <ul class="sent-list">
        {(list ?? []).map((m) => (
          <MessageCard key={m.id} message={m} />
        ))}
      </ul>
    </section>
  );
}
