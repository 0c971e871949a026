// "Reading now": who has one of the sender's documents open at this moment, and on which page.

import type { Presence } from '../../server/realtime/protocol.ts';
import { h, render } from './dom.ts';
import { formatDevice, formatDuration, formatLocation } from './format.ts';
import type { DocumentStore } from './store.ts';

export class PresenceView {
  readonly element: HTMLElement;
  readonly count = h('span', { class: 'count-badge', hidden: true });
  readonly #list = h('ul', { class: 'presence-list' });
  readonly #empty = h('p', { class: 'empty-note' }, 'No one is reading right now.');
  readonly #readers = new Map<string, Presence>();
  readonly #store: DocumentStore;

  constructor(store: DocumentStore) {
    this.#store = store;
    this.element = h('div', { class: 'presence' }, this.#empty, this.#list);
    // The "for 1 min 20 s" counters tick.
    setInterval(() => this.#paint(), 5000);
    store.subscribe(() => this.#paint());
  }

  snapshot(readers: Presence[]): void {
    this.#readers.clear();
    for (const reader of readers) this.#readers.set(reader.visitId, reader);
    this.#paint();
  }

  update(reader: Presence): void {
    this.#readers.set(reader.visitId, reader);
    this.#paint();
  }

  leave(visitId: string): void {
    this.#readers.delete(visitId);
    this.#paint();
  }

  #paint(): void {
    const readers = [...this.#readers.values()].sort((a, b) => b.pageSince.localeCompare(a.pageSince));
    this.#empty.hidden = readers.length > 0;
    this.count.hidden = readers.length === 0;
    this.count.textContent = String(readers.length);
    render(this.#list, ...readers.map((r) => this.#item(r)));
  }

  #item(reader: Presence): HTMLLIElement {
    const who = reader.recipient || 'Someone with the link';
    const doc = this.#store.byId(reader.documentId);
    const since = Date.now() - Date.parse(reader.pageSince);
    const where = [formatDevice(reader.device), formatLocation(reader.location)].filter(Boolean).join(' · ');
    const page =
      reader.page === null ? 'Opening…' : `Page ${reader.page}${doc?.pageCount ? ` of ${doc.pageCount}` : ''}`;
    return h(
      'li',
      { class: 'presence-item' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, who.slice(0, 1).toUpperCase()),
      h(
        'div',
        { class: 'presence-body' },
        h(
          'p',
          { class: 'presence-who' },
          h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
          h('span', { class: 'presence-name' }, h('bdi', null, who)),
        ),
        h('p', { class: 'presence-doc' }, doc?.name ?? 'A document'),
        where ? h('p', { class: 'presence-where' }, where) : null,
      ),
      h(
        'div',
        { class: 'presence-page' },
        h('span', { class: 'presence-page-num' }, page),
        Number.isFinite(since) && reader.page !== null
          ? h('span', { class: 'presence-since' }, `for ${formatDuration(since)}`)
          : null,
      ),
    );
  }
}
