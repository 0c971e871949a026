// One document: header and exports, headline figures, links, time per page, visits over time, where readers
// stop, devices and browsers, a map, the recipients and the visits. Numbers are re-fetched shortly after
// activity on this document arrives over the feed.

import { useState } from 'preact/hooks';
import { endpoints, type Analytics, type DocumentSummary } from '../api.ts';
import { Breakdown } from '../components/breakdown.tsx';
import { Card, Stat } from '../components/card.tsx';
import { StatusBadge, Thumb } from '../components/doc-header.tsx';
import { Icon } from '../components/icon.tsx';
import { LinksPanel } from '../components/links-panel.tsx';
import { PageTimeChart } from '../components/page-time-chart.tsx';
import { RecipientLink } from '../components/recipient-link.tsx';
import { NO_FILTERS, VisitFilterBar, VisitsTable, type VisitFilters } from '../components/visits-table.tsx';
import { VisitsOverTime } from '../components/visits-over-time.tsx';
import { WorldMap } from '../components/world-map.tsx';
import { formatBytes, formatDuration, formatRelative } from '../format.ts';
import { useApi } from '../hooks/use-api.ts';
import { useDebouncedPulse } from '../hooks/use-debounced-pulse.ts';
import { useActivityPulse } from '../hooks/use-activity.ts';
import { useDocuments } from '../hooks/use-documents.ts';

const REFRESH_DEBOUNCE_MS = 1500;

export function DocumentPage({ id }: { id: string }) {
  const store = useDocuments();
  const doc = store.byId(id);
  const pulse = useActivityPulse((event) => event.documentId === id);
  const [showAll, setShowAll] = useState(false);
  const [filters, setFilters] = useState<VisitFilters>(NO_FILTERS);
  const include = showAll ? 'self,automated' : '';
  const analytics = useApi(() => endpoints.analytics(id, include), `${id}|${include}`);
  const visits = useApi(
    () => endpoints.visits(id, { ...filters, include }),
    `${id}|${include}|${JSON.stringify(filters)}`,
  );
  useDebouncedPulse(pulse, REFRESH_DEBOUNCE_MS, () => {
    analytics.reload();
    visits.reload();
  });
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const error = deleteError ?? analytics.error ?? visits.error;

  const remove = async (d: DocumentSummary) => {
    if (!confirm(`Delete “${d.name}”? Its links stop working and its analytics are removed.`)) return;
    try {
      await endpoints.deleteDocument(d.id);
      store.remove(d.id);
      location.hash = '#/';
    } catch (err) {
      setDeleteError(err instanceof Error ? err.message : String(err));
    }
  };

  const a = analytics.data;
  const ready = doc?.status === 'ready';
  return (
    <section class="page">
      <a class="back-link" href="#/">
        <Icon name="back" />
        All documents
      </a>
      <div class="doc-header">
        {doc ? (
          <>
            <Thumb doc={doc} size="lg" />
            <div class="doc-header-main">
              <h1 class="page-title" dir="auto">
                {doc.name}
              </h1>
              <p class="doc-meta">
                {[
                  doc.pageCount ? `${doc.pageCount} pages` : null,
                  formatBytes(doc.sizeBytes),
                  `uploaded ${formatRelative(doc.createdAt)}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}{' '}
                <StatusBadge doc={doc} />
              </p>
              {doc.status === 'failed' && doc.error && <p class="doc-error">{doc.error.message}</p>}
            </div>
            <div class="doc-header-actions">
              {ready && <ExportLink id={doc.id} file="visits.csv" label="Visits CSV" />}
              {ready && <ExportLink id={doc.id} file="pages.csv" label="Pages CSV" />}
              <button type="button" class="btn btn-ghost btn-danger-text" onClick={() => void remove(doc)}>
                <Icon name="trash" />
                Delete
              </button>
            </div>
          </>
        ) : (
          <p class="empty-note">{store.loaded ? 'This document does not exist or was deleted.' : 'Loading…'}</p>
        )}
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="stats-bar">
        <label class="switch-label">
          <input
            type="checkbox"
            class="include-toggle"
            checked={showAll}
            onChange={(e) => setShowAll(e.currentTarget.checked)}
          />
          Show my own and machine views
        </label>
      </div>
      {a && <StatCards a={a} />}
      <Card title="Share">
        <LinksPanel documentId={id} canShare={ready} />
      </Card>
      {a && doc && <Figures a={a} doc={doc} />}
      {a && a.recipients.length > 0 && <RecipientRows rows={a.recipients} />}
      <Card
        title="Visits"
        class="visits-card"
        actions={
          <VisitFilterBar
            filters={filters}
            onChange={setFilters}
            recipients={a?.recipients.map((r) => r.recipient) ?? []}
            countries={[...new Set(a?.places.map((p) => p.country).filter((c): c is string => !!c) ?? [])].sort()}
          />
        }
      >
        {visits.data ? <VisitsTable visits={visits.data.visits} /> : <p class="empty-note">Loading…</p>}
      </Card>
    </section>
  );
}

function StatCards({ a }: { a: Analytics }) {
  return (
    <div class="stats">
      <Stat label="Visits" value={String(a.visits)} />
      <Stat label="Unique viewers" value={String(a.uniqueViewers)} />
      <Stat label="Total reading time" value={formatDuration(a.totalMs)} />
      <Stat label="Average per visit" value={a.visits ? formatDuration(a.averageMs) : '–'} />
      <Stat label="Completion" value={a.visits ? `${Math.round(a.completion * 100)}%` : '–'} hint="of pages seen" />
    </div>
  );
}

function Figures({ a, doc }: { a: Analytics; doc: DocumentSummary }) {
  const count = Math.max(doc.pageCount ?? 0, ...a.pages.map((p) => p.page));
  const stopped = new Map(a.dropOff.map((d) => [d.page, d.stopped]));
  return (
    <>
      <div class="grid-2">
        <Card title="Time per page" class="chart-card">
          <PageTimeChart pages={a.pages} doc={doc} />
        </Card>
        <Card title="Pages">
          <PageTable a={a} count={count} stopped={stopped} />
        </Card>
      </div>
      <div class="grid-2">
        <Card title="Visits over time">
          <VisitsOverTime days={a.overTime} />
        </Card>
        <Card title="Where readers stop">
          <Breakdown
            rows={a.dropOff.map((d) => ({ name: `Page ${d.page}`, value: d.stopped }))}
            empty="Where visits end appears after the first visit."
            unit="stopped"
          />
        </Card>
      </div>
      <div class="grid-map">
        <Card title="Where they read" class="map-card">
          <WorldMap places={a.places} />
        </Card>
        <div class="stack">
          <Card title="Devices">
            <Breakdown
              rows={a.devices.map((d) => ({ name: d.name, value: d.visits }))}
              empty="No visits yet."
              unit=""
            />
          </Card>
          <Card title="Browsers">
            <Breakdown
              rows={a.browsers.map((d) => ({ name: d.name, value: d.visits }))}
              empty="No visits yet."
              unit=""
            />
          </Card>
        </div>
      </div>
    </>
  );
}

function PageTable({ a, count, stopped }: { a: Analytics; count: number; stopped: Map<number, number> }) {
  if (count === 0) return <p class="empty-note">Reading time per page appears after the first visit.</p>;
  const byPage = new Map(a.pages.map((p) => [p.page, p]));
  const max = Math.max(1, ...a.pages.map((p) => p.totalMs));
  return (
    <div class="page-table">
      {Array.from({ length: count }, (_, i) => {
        const page = i + 1;
        // The server may list unread pages with zeros; show them as unread.
        const p = byPage.get(page)?.totalMs ? byPage.get(page) : undefined;
        const stop = stopped.get(page) ?? 0;
        return (
          <div class="page-row" key={page}>
            <span class="page-num">p. {page}</span>
            <span class="bar bar-lg">
              <span class="bar-fill" style={{ '--value': `${((p?.totalMs ?? 0) / max) * 100}%` }} />
            </span>
            <span class="page-time">{p ? formatDuration(p.totalMs) : '–'}</span>
            <span class="page-visits">
              {p ? `${p.visits} visit${p.visits === 1 ? '' : 's'}` : ''}
              {stop ? ` · ${stop} stopped` : ''}
            </span>
          </div>
        );
      })}
    </div>
  );
}

function RecipientRows({ rows }: { rows: Analytics['recipients'] }) {
  return (
    <Card title="Recipients" class="recipients-card">
      <ul class="recipient-rows">
        {rows.map((r) => (
          <li key={r.recipient} class="recipient-row">
            <RecipientLink address={r.recipient} />
            <span class="recipient-row-text">
              {`${r.visits} visit${r.visits === 1 ? '' : 's'}, ${formatDuration(r.totalMs)}, ${r.pagesSeen} page${r.pagesSeen === 1 ? '' : 's'} seen`}
              {r.lastPage !== null ? `, stopped at page ${r.lastPage}` : ''}
            </span>
            {r.forwarded && <span class="badge badge-warning">Probably forwarded</span>}
            <time class="recipient-row-when" dateTime={r.lastAt}>
              {formatRelative(r.lastAt)}
            </time>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** A download of one of the document's exports (the session cookie authenticates the GET). */
function ExportLink({ id, file, label }: { id: string; file: string; label: string }) {
  return (
    <a class="btn btn-ghost btn-sm" href={`/api/documents/${encodeURIComponent(id)}/${file}`} download="">
      <Icon name="download" />
      {label}
    </a>
  );
}
