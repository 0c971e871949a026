// One recipient's story across the sender's documents and messages (GET /api/recipients/:address/timeline):
// a summary, then the timeline, newest first, grouped by day. Refreshed shortly after live activity.

import { useState } from 'preact/hooks';
import { endpoints, type TimelineItem } from '../api.ts';
import { Card, Stat } from '../components/card.tsx';
import { Icon } from '../components/icon.tsx';
import type { IconName } from '../components/icon.tsx';
import { formatDuration } from '../format.ts';
import { useActivityPulse } from '../hooks/use-activity.ts';
import { useApi } from '../hooks/use-api.ts';
import { useDebouncedPulse } from '../hooks/use-debounced-pulse.ts';

const ICONS: Record<TimelineItem['kind'], IconName> = {
  email_open: 'mail',
  click: 'pointer',
  visit: 'eye',
  reply: 'reply',
  forward: 'alert',
  download: 'download',
};

function dayOf(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
}

export function RecipientPage({ address }: { address: string }) {
  const pulse = useActivityPulse((event) => event.recipient === address);
  const [showAll, setShowAll] = useState(false);
  const include = showAll ? 'self,automated' : '';
  const timeline = useApi(() => endpoints.timeline(address, include), `${address}|${include}`);
  useDebouncedPulse(pulse, 1500, timeline.reload);
  const t = timeline.data;
  const days: [string, TimelineItem[]][] = [];
  for (const item of t?.items ?? []) {
    const day = dayOf(item.at);
    const last = days.at(-1);
    if (last && last[0] === day) last[1].push(item);
    else days.push([day, [item]]);
  }
  return (
    <section class="page recipient-page">
      <a class="back-link" href="#/recipients">
        <Icon name="back" />
        All recipients
      </a>
      <div class="recipient-head">
        <span class="avatar" aria-hidden="true">
          {address.slice(0, 1).toUpperCase()}
        </span>
        <h1 class="page-title">
          <bdi>{address}</bdi>
        </h1>
      </div>
      {timeline.error && (
        <p class="form-error" role="alert">
          {timeline.error}
        </p>
      )}
      {t && (
        <div class="stats">
          <Stat label="Visits" value={String(t.summary.visits)} />
          <Stat label="Reading time" value={formatDuration(t.summary.totalMs)} />
          <Stat label="Documents" value={String(t.summary.documents)} />
          <Stat label="Email opens" value={String(t.summary.emailOpens)} />
          <Stat label="Replies" value={String(t.summary.replies)} />
        </div>
      )}
      <div class="stats-bar">
        <label class="switch-label">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} />
          Show my own and machine views
        </label>
      </div>
      <Card title="Timeline" class="timeline-card">
        {!t ? (
          <p class="empty-note">Loading…</p>
        ) : t.items.length === 0 ? (
          <p class="empty-note">Nothing yet: this recipient has not opened anything you sent.</p>
        ) : (
          <ol class="timeline">
            {days.map(([day, items]) => (
              <li key={day} class="timeline-day">
                <h3 class="timeline-date">{day}</h3>
                <ol class="timeline-items">
                  {items.map((item, i) => (
                    <li key={`${item.at}-${i}`} class={`timeline-item timeline-${item.kind}`}>
                      <span class="timeline-icon">
                        <Icon name={ICONS[item.kind]} />
                      </span>
                      <div class="timeline-body">
                        <p class="timeline-text" dir="auto">
                          {item.text}
                        </p>
                        <p class="timeline-meta">
                          <time dateTime={item.at}>
                            {new Date(item.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                          </time>
                          {item.documentId && item.documentName && (
                            <>
                              {' · '}
                              <a href={`#/documents/${encodeURIComponent(item.documentId)}`}>
                                <bdi>{item.documentName}</bdi>
                              </a>
                            </>
                          )}
                          {item.messageId && (
                            <>
                              {' · '}
                              <a href={`#/sent/${encodeURIComponent(item.messageId)}`}>
                                <bdi>{item.subject || '(no subject)'}</bdi>
                              </a>
                            </>
                          )}
                        </p>
                      </div>
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </section>
  );
}
