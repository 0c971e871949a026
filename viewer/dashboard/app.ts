// The signed-in app: top bar, the main pane (documents or one document, by URL hash) and the live
// side pane (Reading now + Activity), all fed by one /feed socket.

import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { endpoints } from './api.ts';
import { h, icon, render } from './dom.ts';
import { renderDocument } from './pages/document-page.tsx';
import {
  renderCompose,
  renderMailbox,
  renderMessage,
  renderRecipient,
  renderRecipients,
  renderSent,
  renderSettings,
  type PageHandle,
} from './pages/mount.tsx';
import { renderDocuments } from './documents-view.ts';
import { browserNotifications } from './browser-notifications.ts';
import { FeedClient } from './feed.ts';
import { FeedView } from './feed-view.ts';
import { PresenceView } from './presence-view.ts';
import { DocumentStore } from './store.ts';

/** How many recent documents seed the feed's history before live events take over. */
const HISTORY_DOCUMENTS = 8;
const HISTORY_EVENTS = 100;

export function renderApp(root: HTMLElement, me: { email: string }, onSignedOut: () => void): void {
  const store = new DocumentStore();
  const feedView = new FeedView(store);
  const presence = new PresenceView(store);
  const main = h('main', { class: 'main-pane', id: 'main' });
  const status = h('span', { class: 'conn conn-connecting', title: 'Connecting…' }, 'Connecting');

  const signOut = h(
    'button',
    { type: 'button', class: 'btn btn-ghost btn-sm' },
    icon('logout'),
    h('span', { class: 'hide-sm' }, 'Sign out'),
  );
  signOut.addEventListener('click', async () => {
    try {
      await endpoints.signOut();
    } finally {
      feed?.close();
      onSignedOut();
    }
  });

  render(
    root,
    h(
      'div',
      { class: 'app' },
      h(
        'header',
        { class: 'topbar' },
        h(
          'a',
          { class: 'brand', href: '#/' },
          h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
          h('span', { class: 'brand-name' }, 'Pagetrail'),
        ),
        h(
          'nav',
          { class: 'topbar-nav', 'aria-label': 'Sections' },
          h('a', { href: '#/' }, 'Documents'),
          h('a', { href: '#/sent' }, 'Sent'),
          h('a', { href: '#/recipients' }, 'Recipients'),
          h('a', { href: '#/compose' }, 'Compose'),
          h('a', { href: '#/settings' }, 'Settings'),
          h('a', { href: '#/mailbox' }, 'Mailbox'),
        ),
        h('div', { class: 'topbar-right' }, h('span', { class: 'user-email hide-sm' }, me.email), signOut),
      ),
      h(
        'div',
        { class: 'layout' },
        main,
        h(
          'aside',
          { class: 'side-pane', 'aria-label': 'Live activity' },
          h(
            'section',
            { class: 'card side-card' },
            h('h2', { class: 'card-title' }, 'Reading now', presence.count),
            presence.element,
          ),
          h(
            'section',
            { class: 'card side-card side-feed' },
            h('h2', { class: 'card-title' }, 'Activity', status),
            feedView.element,
          ),
        ),
      ),
    ),
  );

  let page: PageHandle | null = null;
  let disposeList: (() => void) | null = null;
  const route = () => {
    page?.dispose();
    disposeList?.();
    page = null;
    disposeList = null;
    const match = /^#\/documents\/([^/]+)$/.exec(location.hash);
    const message = /^#\/sent\/([^/]+)$/.exec(location.hash);
    const recipient = /^#\/recipients\/([^/]+)$/.exec(location.hash);
    if (match?.[1]) page = renderDocument(main, store, decodeURIComponent(match[1]));
    else if (recipient?.[1]) page = renderRecipient(main, decodeURIComponent(recipient[1]));
    else if (location.hash === '#/recipients') page = renderRecipients(main);
    else if (message?.[1]) page = renderMessage(main, decodeURIComponent(message[1]));
    else if (location.hash === '#/sent') page = renderSent(main);
    else if (location.hash === '#/compose') page = renderCompose(main);
    else if (location.hash === '#/settings') page = renderSettings(main);
    else if (location.hash === '#/mailbox') page = renderMailbox(main);
    else disposeList = renderDocuments(main, store);
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', route);
  // A file dropped outside the drop zone would otherwise replace the dashboard with the file.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  route();

  const onActivity = (event: ActivityEvent) => {
    feedView.add([event], { live: true });
    browserNotifications.show(event, store.nameOf(event.documentId));
    if (event.documentId && page && location.hash === `#/documents/${encodeURIComponent(event.documentId)}`)
      page.activity();
    else if (page && event.recipient && location.hash === `#/recipients/${encodeURIComponent(event.recipient)}`)
      page.activity();
    else if (page && event.messageId && (location.hash === '#/sent' || location.hash.startsWith('#/sent/')))
      page.activity();
  };

  let feed: FeedClient | null = null;
  void (async () => {
    await store.refresh();
    const history = await loadHistory(store);
    feed = new FeedClient(
      {
        activity: onActivity,
        presenceSnapshot: (readers) => presence.snapshot(readers),
        presenceUpdate: (reader) => presence.update(reader),
        presenceLeave: (visitId) => presence.leave(visitId),
        documentUpdated: () => void store.refresh(),
        unauthorized: onSignedOut,
        connection: (state) => {
          status.className = `conn conn-${state}`;
          status.textContent = state === 'live' ? 'Live' : state === 'reconnecting' ? 'Reconnecting' : 'Offline';
          status.title = state === 'live' ? 'Receiving activity as it happens' : 'Trying to reconnect…';
        },
      },
      history.at(-1)?.seq ?? null,
    );
    for (const event of history) feed.accept(event.seq);
    feedView.add(history, { live: false });
  })();
}

/** Recent events of the most recent documents and sent messages, oldest first, so the feed is not empty on
 * arrival (a document open of a mailed link is in both: kept once). */
async function loadHistory(store: DocumentStore): Promise<ActivityEvent[]> {
  const recent = store.documents.filter((d) => d.status === 'ready').slice(0, HISTORY_DOCUMENTS);
  const none = () => [] as ActivityEvent[];
  const messages = await endpoints.messages().then(
    (r) => r.messages.slice(0, HISTORY_DOCUMENTS),
    () => [],
  );
  const lists = await Promise.all([
    ...recent.map((d) => endpoints.events(d.id).then((r) => r.events, none)),
    ...messages.map((m) => endpoints.message(m.id).then((r) => r.copies.flatMap((c) => c.events), none)),
  ]);
  const unique = new Map(lists.flat().map((e) => [e.id, e]));
  return [...unique.values()].sort((a, b) => a.seq - b.seq).slice(-HISTORY_EVENTS);
}
