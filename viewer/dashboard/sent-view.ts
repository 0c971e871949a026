// The Sent list: each message sent through Pagetrail with its recipients, documents and, per recipient, what
// they have read so far (visits and time on each document's link).

import type { MessageJson } from '../../server/api-types.ts';
import { endpoints } from './api.ts';
import { h, icon, render } from './dom.ts';
import { formatDuration, formatRelative } from './format.ts';

const DELIVERY: Record<string, [string, string]> = {
  sent: ['badge-success', 'Delivered'],
  pending: ['badge-progress', 'Not sent yet'],
  failed: ['badge-danger', 'Refused'],
};

function readingOf(copy: MessageJson['copies'][number]): string {
  const visits = copy.links.reduce((a, l) => a + l.visits, 0);
  if (!copy.links.length) return 'no documents';
  if (!visits) return 'not opened yet';
  const ms = copy.links.reduce((a, l) => a + l.totalMs, 0);
  const last = copy.links
    .map((l) => l.lastSeenAt)
    .filter((x): x is string => Boolean(x))
    .sort()
    .at(-1);
  const opened = copy.links.filter((l) => l.visits > 0).length;
  return `opened ${opened} of ${copy.links.length} document${copy.links.length === 1 ? '' : 's'}, ${formatDuration(ms)} reading${last ? `, last ${formatRelative(last)}` : ''}`;
}

function messageCard(m: MessageJson): HTMLElement {
  const recipients = h('ul', { class: 'sent-recipients' });
  for (const c of m.copies) {
    const [cls, label] = DELIVERY[c.delivery] ?? ['badge-muted', c.delivery];
    recipients.append(
      h(
        'li',
        { class: 'sent-recipient' },
        h('span', { class: 'sent-address' }, c.recipient),
        h('span', { class: 'tag tag-muted' }, c.role.toUpperCase()),
        h('span', { class: `badge ${cls}`, title: c.response ?? '' }, label),
        h('span', { class: 'sent-reading' }, readingOf(c)),
      ),
    );
  }
  const docs = h('ul', { class: 'sent-docs' });
  for (const a of m.attachments) {
    docs.append(
      h(
        'li',
        { class: `sent-doc sent-doc-${a.outcome}`, title: a.reason ?? '' },
        icon(a.outcome === 'document' ? 'link' : 'doc'),
        a.documentId
          ? h('a', { href: `#/documents/${encodeURIComponent(a.documentId)}` }, a.name)
          : h('span', null, a.name),
        a.outcome === 'kept' ? h('span', { class: 'tag tag-muted' }, 'attached') : null,
      ),
    );
  }
  return h(
    'li',
    { class: 'card sent-item', 'data-message-id': m.id },
    h(
      'div',
      { class: 'sent-head' },
      h('h3', { class: 'sent-subject' }, m.subject || '(no subject)'),
      h(
        'time',
        { datetime: m.sentAt ?? m.createdAt, title: new Date(m.sentAt ?? m.createdAt).toLocaleString() },
        formatRelative(m.sentAt ?? m.createdAt),
      ),
    ),
    m.attachments.length ? docs : null,
    recipients,
  );
}

export function renderSent(root: HTMLElement): () => void {
  const list = h('ul', { class: 'sent-list' });
  const note = h('p', { class: 'empty-note' }, 'Loading…');
  render(
    root,
    h(
      'section',
      { class: 'page' },
      h(
        'div',
        { class: 'page-header' },
        h('h1', { class: 'page-title' }, 'Sent'),
        h('a', { class: 'btn btn-primary', href: '#/compose' }, icon('mail'), 'Compose'),
      ),
      note,
      list,
    ),
  );
  let alive = true;
  const load = async () => {
    try {
      const { messages } = await endpoints.messages();
      const full = await Promise.all(messages.map((m) => endpoints.message(m.id)));
      if (!alive) return;
      note.textContent = full.length
        ? ''
        : 'Nothing sent yet. Messages you send through the relay or the compose page show up here.';
      note.hidden = full.length > 0;
      render(list, ...full.map(messageCard));
    } catch (err) {
      if (alive) note.textContent = (err as Error).message;
    }
  };
  void load();
  const timer = setInterval(() => void load(), 15_000);
  return () => {
    alive = false;
    clearInterval(timer);
  };
}
