// One document: its links, headline numbers, time per page (a bar per page) and the visits.
// Re-fetches its numbers shortly after activity on this document arrives over the feed.

import { endpoints, type Analytics, type DocumentSummary, type Visit } from './api.ts';
import { h, icon, render } from './dom.ts';
import { statusBadge, thumbnail } from './documents-view.ts';
import { formatBytes, formatDevice, formatDuration, formatLocation, formatRelative } from './format.ts';
import { renderLinks } from './links-view.ts';
import type { DocumentStore } from './store.ts';

const REFRESH_DEBOUNCE_MS = 1500;

export interface DocumentPage {
  /** Activity for this document arrived; numbers are refreshed shortly. */
  activity(): void;
  dispose(): void;
}

function card(title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', { class: 'card-title' }, title), ...children);
}

function stat(label: string, value: string): HTMLElement {
  return h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, value), h('p', { class: 'stat-label' }, label));
}

export function renderDocument(root: HTMLElement, store: DocumentStore, id: string): DocumentPage {
  const header = h('div', { class: 'doc-header' });
  const links = h('div');
  const stats = h('div', { class: 'stats' });
  const pages = h('div', { class: 'page-table' });
  const visits = h('div', { class: 'table-wrap' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  let linksFor: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const paintHeader = () => {
    const doc = store.byId(id);
    if (!doc) {
      render(
        header,
        h('p', { class: 'empty-note' }, store.loaded ? 'This document does not exist or was deleted.' : 'Loading…'),
      );
      return;
    }
    const del = h('button', { type: 'button', class: 'btn btn-ghost btn-danger-text' }, icon('trash'), 'Delete');
    del.addEventListener('click', () => void deleteDocument(doc));
    const meta = [
      doc.pageCount ? `${doc.pageCount} pages` : null,
      formatBytes(doc.sizeBytes),
      `uploaded ${formatRelative(doc.createdAt)}`,
    ]
      .filter(Boolean)
      .join(' · ');
    render(
      header,
      thumbnail(doc, 'lg'),
      h(
        'div',
        { class: 'doc-header-main' },
        h('h1', { class: 'page-title' }, doc.name),
        h('p', { class: 'doc-meta' }, meta, ' ', statusBadge(doc)),
        doc.status === 'failed' && doc.error ? h('p', { class: 'doc-error' }, doc.error.message) : null,
      ),
      h(
        'div',
        { class: 'doc-header-actions' },
        doc.status === 'ready' ? exportLink(doc.id, 'visits.csv', 'Visits CSV') : null,
        doc.status === 'ready' ? exportLink(doc.id, 'pages.csv', 'Pages CSV') : null,
        del,
      ),
    );
    // Links need a ready document; re-render them once, when it becomes ready.
    const key = `${doc.id}:${doc.status === 'ready'}`;
    if (key !== linksFor) {
      linksFor = key;
      renderLinks(links, doc.id, doc.status === 'ready');
    }
  };

  const deleteDocument = async (doc: DocumentSummary) => {
    if (!confirm(`Delete “${doc.name}”? Its links stop working and its analytics are removed.`)) return;
    try {
      await endpoints.deleteDocument(doc.id);
      store.remove(doc.id);
      location.hash = '#/';
    } catch (err) {
      showError(err);
    }
  };

  const showError = (err: unknown) => {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
  };

  const loadNumbers = async () => {
    try {
      const [analytics, visitList] = await Promise.all([endpoints.analytics(id), endpoints.visits(id)]);
      paintStats(analytics);
      paintPages(analytics, store.byId(id)?.pageCount ?? null);
      paintVisits(visitList.visits);
      error.hidden = true;
    } catch (err) {
      showError(err);
    }
  };

  const paintStats = (a: Analytics) => {
    render(
      stats,
      stat('Visits', String(a.visits)),
      stat('Unique viewers', String(a.uniqueViewers)),
      stat('Total reading time', formatDuration(a.totalMs)),
      stat('Average per visit', a.visits ? formatDuration(a.totalMs / a.visits) : '–'),
    );
  };

  const paintPages = (a: Analytics, pageCount: number | null) => {
    const byPage = new Map(a.pages.map((p) => [p.page, p]));
    const count = Math.max(pageCount ?? 0, ...a.pages.map((p) => p.page));
    const max = Math.max(1, ...a.pages.map((p) => p.totalMs));
    if (count === 0) {
      render(pages, h('p', { class: 'empty-note' }, 'Reading time per page appears after the first visit.'));
      return;
    }
    const rows = [];
    for (let page = 1; page <= count; page++) {
      // The server may list unread pages with zeros; show them as unread.
      const p = byPage.get(page)?.totalMs ? byPage.get(page) : undefined;
      const fill = h('span', { class: 'bar-fill' });
      fill.style.setProperty('--value', `${((p?.totalMs ?? 0) / max) * 100}%`);
      rows.push(
        h(
          'div',
          { class: 'page-row' },
          h('span', { class: 'page-num' }, `p. ${page}`),
          h('span', { class: 'bar bar-lg' }, fill),
          h('span', { class: 'page-time' }, p ? formatDuration(p.totalMs) : '–'),
          h('span', { class: 'page-visits' }, p ? `${p.visits} visit${p.visits === 1 ? '' : 's'}` : ''),
        ),
      );
    }
    render(pages, ...rows);
  };

  const paintVisits = (list: Visit[]) => {
    if (list.length === 0) {
      render(visits, h('p', { class: 'empty-note' }, 'No visits yet. Send a link and watch this space.'));
      return;
    }
    const sorted = [...list].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const head = h(
      'tr',
      null,
      ...['Recipient', 'Device', 'Location', 'Started', 'Time', 'Pages', 'Last page'].map((t) =>
        h('th', { scope: 'col' }, t),
      ),
    );
    const body = sorted.map((v) =>
      h(
        'tr',
        null,
        h('td', { class: 'cell-strong' }, h('bdi', null, v.recipient || 'Anyone with the link')),
        h('td', null, formatDevice(v.device) ?? '–'),
        h('td', null, formatLocation(v.location) ?? '–'),
        h(
          'td',
          null,
          h(
            'time',
            { datetime: v.startedAt, title: new Date(v.startedAt).toLocaleString() },
            formatRelative(v.startedAt),
          ),
        ),
        h('td', { class: 'cell-num' }, formatDuration(v.totalMs)),
        h('td', { class: 'cell-num' }, String(v.pagesViewed)),
        h('td', { class: 'cell-num' }, v.lastPage === null ? '–' : String(v.lastPage)),
      ),
    );
    render(visits, h('table', { class: 'table' }, h('thead', null, head), h('tbody', null, ...body)));
  };

  const unsubscribe = store.subscribe(paintHeader);
  paintHeader();
  void loadNumbers();

  render(
    root,
    h(
      'section',
      { class: 'page' },
      h('a', { class: 'back-link', href: '#/' }, icon('back'), 'All documents'),
      header,
      error,
      stats,
      card('Share', links),
      h('div', { class: 'grid-2' }, card('Time per page', pages), card('Visits', visits)),
    ),
  );

  return {
    activity() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void loadNumbers();
      }, REFRESH_DEBOUNCE_MS);
    },
    dispose() {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}

/** A download of one of the document's exports (the session cookie authenticates the GET). */
function exportLink(id: string, file: string, label: string): HTMLAnchorElement {
  return h(
    'a',
    { class: 'btn btn-ghost btn-sm', href: `/api/documents/${encodeURIComponent(id)}/${file}`, download: '' },
    icon('download'),
    label,
  );
}
