// The live side pane beside every page: who is reading now, and the activity feed with the socket's state.

import type { Connection, LiveFeed } from '../hooks/use-live-feed.ts';
import { ActivityFeed } from './activity-feed.tsx';
import { ReadingNow } from './reading-now.tsx';

const CONNECTION: Record<Connection, { label: string; title: string }> = {
  connecting: { label: 'Connecting', title: 'Connecting…' },
  live: { label: 'Live', title: 'Receiving activity as it happens' },
  reconnecting: { label: 'Reconnecting', title: 'Trying to reconnect…' },
  offline: { label: 'Offline', title: 'Trying to reconnect…' },
};

export function SidePane({ live }: { live: LiveFeed }) {
  const count = live.readers.size;
  const status = CONNECTION[live.connection];
  return (
    <aside class="side-pane" aria-label="Live activity">
      <section class="card side-card">
        <h2 class="card-title">
          Reading now
          <span class="count-badge" hidden={count === 0}>
            {count}
          </span>
        </h2>
        <ReadingNow readers={live.readers} />
      </section>
      <section class="card side-card side-feed">
        <h2 class="card-title">
          Activity
          <span class={`conn conn-${live.connection}`} title={status.title}>
            {status.label}
          </span>
        </h2>
        <ActivityFeed rows={live.rows} />
      </section>
    </aside>
  );
}
