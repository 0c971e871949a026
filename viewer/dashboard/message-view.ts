// One sent message: its status, and per recipient what happened in order (opens, clicks, replies, document
// opens), machines and the sender's own shown apart (muted, with the reason) and never counted.

import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import type { MessageJson } from '../../server/api-types.ts';
import { endpoints } from './api.ts';
import { h, icon, render, type IconName } from './dom.ts';
import { describeEvent, formatRelative, reasonLabel } from './format.ts';
import { deliveryBadge, machineNote, readingOf, statusChip } from './sent-view.ts';

const ICONS: Partial<Record<ActivityEvent['type'], IconName>> = {
  email_open: 'mail',
  click: 'pointer',
  reply: 'reply',
  open: 'eye',
  download: 'download',
};

function timelineItem(e: ActivityEvent, docName: (id?: string) => string | null): HTMLElement {
  const text = h('p', { class: 'timeline-text' });
  for (const segment of describeEvent(e, docName(e.documentId))) {
    text.append(segment.strong ? h('strong', null, segment.text) : segment.text);
  }
  const meta = h(
    'p',
    { class: 'timeline-meta' },
    h('time', { datetime: e.at, title: new Date(e.at).toLocaleString() }, formatRelative(e.at)),
  );
  if (e.automated) meta.append(h('span', { class: 'tag tag-muted' }, `machine: ${reasonLabel(e.automatedReason)}`));
  if (e.self) meta.append(h('span', { class: 'tag tag-muted' }, 'you'));
  return h(
    'li',
    { class: `timeline-item${e.automated || e.self ? ' is-muted' : ''}` },
    h('span', { class: 'feed-icon' }, icon(ICONS[e.type] ?? 'doc')),
    h('div', { class: 'feed-body' }, text, meta),
  );
}

function recipientCard(m: MessageJson, c: MessageJson['copies'][number]): HTMLElement {
  const names = new Map(m.documents.map((d) => [d.id, d.name]));
  const docName = (id?: string) => (id ? (names.get(id) ?? null) : null);
  const events = [...c.events].reverse();
  return h(
    'section',
    { class: 'card message-recipient', 'data-recipient': c.recipient },
    h(
      'div',
      { class: 'sent-head' },
      h('h2', { class: 'sent-subject' }, c.recipient, h('span', { class: 'tag tag-muted' }, c.role.toUpperCase())),
      h('span', { class: 'message-badges' }, deliveryBadge(c), statusChip(c.signals)),
    ),
    h('p', { class: 'sent-reading' }, readingOf(c)),
    machineNote(c.signals),
    events.length
      ? h('ol', { class: 'timeline' }, ...events.map((e) => timelineItem(e, docName)))
      : h('p', { class: 'empty-note' }, 'Nothing yet.'),
  );
}

export function renderMessage(root: HTMLElement, id: string): () => void {
  const body = h('div', { class: 'message-body' }, h('p', { class: 'empty-note' }, 'Loading…'));
  const title = h('h1', { class: 'page-title' }, 'Message');
  const status = h('span', { class: 'message-status' });
  render(
    root,
    h(
      'section',
      { class: 'page' },
      h(
        'div',
        { class: 'page-header' },
        h('a', { class: 'btn btn-ghost btn-sm', href: '#/sent' }, icon('back'), 'Sent'),
        title,
        status,
      ),
      body,
    ),
  );
  let alive = true;
  const load = async () => {
    try {
      const m = await endpoints.message(id);
      if (!alive) return;
      title.textContent = m.subject || '(no subject)';
      render(status, statusChip(m.signals));
      render(body, ...m.copies.map((c) => recipientCard(m, c)));
    } catch (err) {
      if (alive) render(body, h('p', { class: 'empty-note' }, (err as Error).message));
    }
  };
  void load();
  const timer = setInterval(() => void load(), 10_000);
  return () => {
    alive = false;
    clearInterval(timer);
  };
}
