// The live activity feed. A reader's heartbeats on one page collapse into a single line that grows
// ("spent 42 s on page 3") instead of a new line every five seconds.

import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { h, icon, render, type IconName } from './dom.ts';
import { actorOf, describeEvent, formatRelative, reasonLabel } from './format.ts';
import type { DocumentStore } from './store.ts';

const MAX_ROWS = 150;

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

interface Row {
  event: ActivityEvent;
  totalMs: number;
  el: HTMLLIElement;
}

export class FeedView {
  readonly element: HTMLElement;
  readonly #list = h('ol', { class: 'feed-list' });
  readonly #empty = h(
    'p',
    { class: 'empty-note' },
    'Nothing yet. Activity shows up here the moment someone opens one of your links.',
  );
  readonly #store: DocumentStore;
  #rows: Row[] = [];

  constructor(store: DocumentStore) {
    this.#store = store;
    this.element = h('div', { class: 'feed' }, this.#empty, this.#list);
    setInterval(() => this.#refreshTimes(), 15_000);
    store.subscribe(() => this.#rows.forEach((row) => this.#paint(row)));
  }

  /** Adds events, oldest first (history from the API, then live ones from the socket). */
  add(events: ActivityEvent[], options: { live: boolean }): void {
    for (const event of events) this.#addOne(event, options.live);
    this.#empty.hidden = this.#rows.length > 0;
  }

  #addOne(event: ActivityEvent, live: boolean): void {
    const top = this.#rows.find((row) => row.event.visitId !== undefined && row.event.visitId === event.visitId);
    // Same reader, same page, nothing else from them in between: grow the existing line.
    if (event.type === 'page_view' && top && top.event.type === 'page_view' && top.event.page === event.page) {
      top.totalMs += event.durationMs ?? 0;
      top.event = { ...event };
      this.#moveToTop(top, live);
      this.#paint(top);
      return;
    }
    const row: Row = { event, totalMs: event.durationMs ?? 0, el: h('li', { class: `feed-item feed-${event.type}` }) };
    this.#paint(row);
    this.#rows.unshift(row);
    this.#list.prepend(row.el);
    if (live) this.#flash(row.el);
    while (this.#rows.length > MAX_ROWS) this.#rows.pop()?.el.remove();
  }

  #moveToTop(row: Row, live: boolean): void {
    const index = this.#rows.indexOf(row);
    if (index > 0) {
      this.#rows.splice(index, 1);
      this.#rows.unshift(row);
      this.#list.prepend(row.el);
    }
    if (live) this.#flash(row.el);
  }

  #flash(el: HTMLElement): void {
    el.classList.remove('is-new');
    // Reflow so the animation restarts on an element that already had it.
    void el.offsetWidth;
    el.classList.add('is-new');
  }

  #paint(row: Row): void {
    const { event } = row;
    const text = h('p', { class: 'feed-text' }, h('strong', null, h('bdi', null, actorOf(event))), ' ');
    for (const segment of describeEvent(event, this.#store.nameOf(event.documentId), row.totalMs)) {
      text.append(segment.strong ? h('strong', null, segment.text) : segment.text);
    }
    const meta = h(
      'p',
      { class: 'feed-meta' },
      h('time', { datetime: event.at, title: new Date(event.at).toLocaleString() }, formatRelative(event.at)),
    );
    if (event.automated)
      meta.append(
        h(
          'span',
          {
            class: 'tag tag-muted',
            title: event.reply?.authFailed
              ? 'The reply failed authentication (DMARC, SPF or DKIM): stored, not counted'
              : 'Judged to be a machine: stored, not counted',
          },
          event.reply?.authFailed
            ? 'unverified'
            : event.automatedReason
              ? `machine: ${reasonLabel(event.automatedReason)}`
              : 'automated',
        ),
      );
    if (event.self) meta.append(h('span', { class: 'tag tag-muted' }, 'your own view'));
    render(
      row.el,
      h('span', { class: 'feed-icon' }, icon(ICONS[event.type] ?? 'doc')),
      h('div', { class: 'feed-body' }, text, meta),
    );
    row.el.classList.toggle('is-muted', event.automated || event.self);
  }

  #refreshTimes(): void {
    for (const time of this.#list.querySelectorAll('time')) time.textContent = formatRelative(time.dateTime);
  }
}
