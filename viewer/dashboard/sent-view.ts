// The Sent list: each message sent through Pagetrail with its status at a glance (not opened / opened N times /
// read the documents / clicked / replied), machine signals apart, and per recipient the same and what they have
// read so far (visits and time on each document's link). A message opens on its own page with timelines.

import type { MessageJson, RecipientSignals } from '../../server/api-types.ts';
import { endpoints } from './api.ts';
import { h, icon, render } from './dom.ts';
import { formatDuration, formatMachine, formatRelative, formatStatus } from './format.ts';

const DELIVERY: Record<string, [string, string]> = {
  sent: ['badge-success', 'Delivered'],
  pending: ['badge-progress', 'Not sent yet'],
  failed: ['badge-danger', 'Refused'],
};

/** The status chip: green once opened, stronger as the recipient goes further; machines never move it. */
export function statusChip(s: RecipientSignals): HTMLElement {
  const title =
    s.status === 'not_opened'
      ? 'No person has opened it yet'
      : `Last opened ${s.lastOpenAt ? formatRelative(s.lastOpenAt) : 'earlier'}`;
  return h('span', { class: `status status-${s.status}`, title }, icon('eye'), formatStatus(s));
}

/** "2 machine opens: Apple Mail privacy, link scanner", shown apart from the status. */
export function machineNote(s: RecipientSignals): HTMLElement | null {
  const text = formatMachine(s.machine);
  const own = s.self ? `${s.self} of your own` : '';
  if (!text && !own) return null;
  return h(
    'span',
    { class: 'sent-machine', title: 'Stored, but not counted' },
    [text, own].filter(Boolean).join(' · '),
  );
}

export function readingOf(copy: MessageJson['copies'][number]): string {
  const visits = copy.links.reduce((a, l) => a + l.visits, 0);
  if (!copy.links.length) return '';
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

export function deliveryBadge(c: MessageJson['copies'][number]): HTMLElement {
  const [cls, label] = DELIVERY[c.delivery] ?? ['badge-muted', c.delivery];
  return h('span', { class: `badge ${cls}`, title: c.response ?? '' }, label);
}

function messageCard(m: MessageJson): HTMLElement {
  const recipients = h('ul', { class: 'sent-recipients' });
  for (const c of m.copies) {
    recipients.append(
      h(
        'li',
        { class: 'sent-recipient', 'data-recipient': c.recipient },
        h('span', { class: 'sent-address' }, c.recipient),
        h('span', { class: 'tag tag-muted' }, c.role.toUpperCase()),
        deliveryBadge(c),
        statusChip(c.signals),
        h(
          'span',
          { class: 'sent-reading' },
          readingOf(c),
          readingOf(c) && machineNote(c.signals) ? ' · ' : '',
          machineNote(c.signals),
        ),
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
      h(
        'h3',
        { class: 'sent-subject' },
        h('a', { href: `#/sent/${encodeURIComponent(m.id)}` }, m.subject || '(no subject)'),
      ),
      statusChip(m.signals),
      h(
        'time',
        { datetime: m.sentAt ?? m.createdAt, title: new Date(m.sentAt ?? m.createdAt).toLocaleString() },
        formatRelative(m.sentAt ?? m.createdAt),
      ),
    ),
    machineNote(m.signals),
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
