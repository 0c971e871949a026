// The signed-in app's live side: one /feed socket (opened after the recent history is loaded, closed on unmount,
// which is also sign-out), the activity lines, who is reading now and the connection state. Each live event is
// handed to the page on screen through the activity hub and may raise a browser notification.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActivityEvent, Presence } from '../../../server/realtime/protocol.ts';
import { endpoints } from '../api.ts';
import { browserNotifications } from '../browser-notifications.ts';
import { addActivity, type ActivityRow } from './activity-rows.ts';
import type { ActivityHub } from './use-activity.ts';
import type { DocumentStore } from './use-documents.ts';
import { FeedClient } from './feed-client.ts';

/** How many recent documents seed the feed's history before live events take over. */
const HISTORY_DOCUMENTS = 8;
const HISTORY_EVENTS = 100;

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveFeed {
  connection: Connection;
  rows: readonly ActivityRow[];
  readers: ReadonlyMap<string, Presence>;
}

export function useLiveFeed(store: DocumentStore, hub: ActivityHub, onUnauthorized: () => void): LiveFeed {
  const [connection, setConnection] = useState<Connection>('connecting');
  const [rows, setRows] = useState<readonly ActivityRow[]>([]);
  const [readers, setReaders] = useState<ReadonlyMap<string, Presence>>(new Map());
  const signedOut = useRef(onUnauthorized);
  signedOut.current = onUnauthorized;

  useEffect(() => {
    let closed = false;
    let client: FeedClient | null = null;
    const change = (edit: (readers: Map<string, Presence>) => void) =>
      setReaders((current) => {
        const next = new Map(current);
        edit(next);
        return next;
      });
    void (async () => {
      await store.refresh();
      const history = await loadHistory(store);
      if (closed) return;
      client = new FeedClient(
        {
          activity(event) {
            setRows((current) => addActivity(current, [event], true));
            browserNotifications.show(event, store.nameOf(event.documentId));
            hub.emit(event);
          },
          presenceSnapshot: (list) => setReaders(new Map(list.map((r) => [r.visitId, r]))),
          presenceUpdate: (reader) => change((m) => m.set(reader.visitId, reader)),
          presenceLeave: (visitId) => change((m) => m.delete(visitId)),
          documentUpdated: () => void store.refresh(),
          unauthorized: () => signedOut.current(),
          connection: setConnection,
        },
        history.at(-1)?.seq ?? null,
      );
      for (const event of history) client.accept(event.seq);
      setRows((current) => addActivity(current, history, false));
    })();
    return () => {
      closed = true;
      client?.close();
    };
  }, [store, hub]);

  return { connection, rows, readers };
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
