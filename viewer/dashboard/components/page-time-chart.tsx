// Time per page as an SVG bar chart: one bar per page of the document (unread pages as empty slots), the
// page's thumbnail, time and visits in a card on hover or focus.

import { useState } from 'preact/hooks';
import type { Analytics, DocumentSummary } from '../api.ts';
import { formatDuration } from '../format.ts';
import { useWidth } from '../hooks/use-width.ts';

const H = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 44 };

/** Round tick step (1, 2 or 5 × 10^n seconds) giving about four gridlines. */
function tickStep(maxMs: number): number {
  const raw = Math.max(1000, maxMs / 4);
  const base = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * base).find((s) => s >= raw) ?? raw;
}

/** Where page n's thumbnail is, or null (a document made before per-page thumbnails has page 1's only). */
export function pageThumbnailUrl(doc: DocumentSummary, page: number): string | null {
  if (page <= doc.pageThumbnails) return `/api/documents/${encodeURIComponent(doc.id)}/pages/${page}/thumbnail`;
  return page === 1 ? doc.thumbnailUrl : null;
}

export function PageTimeChart(props: { pages: Analytics['pages']; doc: DocumentSummary }) {
  const [hover, setHover] = useState<number | null>(null);
  const { ref, width: W } = useWidth<HTMLDivElement>(640);
  const byPage = new Map(props.pages.map((p) => [p.page, p]));
  const count = Math.max(props.doc.pageCount ?? 0, ...props.pages.map((p) => p.page));
  if (count === 0)
    return (
      <div ref={ref}>
        <p class="empty-note">Reading time per page appears after the first visit.</p>
      </div>
    );
  const max = Math.max(1000, ...props.pages.map((p) => p.totalMs));
  const step = tickStep(max);
  const top = Math.ceil(max / step) * step;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / count;
  const barW = Math.max(2, Math.min(48, slot * 0.62));
  const y = (ms: number) => PAD.top + innerH - (ms / top) * innerH;
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  const labelEvery = Math.ceil(count / Math.max(4, Math.floor(innerW / 28)));
  const hovered = hover === null ? undefined : byPage.get(hover);
  const thumb = hover === null ? null : pageThumbnailUrl(props.doc, hover);

  return (
    <div class="chart-wrap" ref={ref}>
      <svg class="chart page-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Reading time per page">
        {ticks.map((v) => (
          <g key={v} class="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
              {formatDuration(v)}
            </text>
          </g>
        ))}
        {Array.from({ length: count }, (_, i) => {
          const page = i + 1;
          const ms = byPage.get(page)?.totalMs ?? 0;
          const x = PAD.left + slot * i + (slot - barW) / 2;
          return (
            <g
              key={page}
              class={`chart-slot${hover === page ? ' is-active' : ''}`}
              tabIndex={0}
              onMouseEnter={() => setHover(page)}
              onMouseLeave={() => setHover(null)}
              onFocus={() => setHover(page)}
              onBlur={() => setHover(null)}
            >
              <rect class="chart-hit" x={PAD.left + slot * i} y={PAD.top} width={slot} height={innerH} />
              <rect
                class="chart-bar"
                data-page={page}
                data-ms={ms}
                x={x}
                y={y(ms)}
                width={barW}
                height={Math.max(0, PAD.top + innerH - y(ms))}
                rx={Math.min(4, barW / 4)}
              >
                <title>{`Page ${page}: ${ms ? formatDuration(ms) : 'not read'}`}</title>
              </rect>
              {(i % labelEvery === 0 || page === count) && (
                <text class="chart-label" x={PAD.left + slot * i + slot / 2} y={H - 8} text-anchor="middle">
                  {page}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {hover !== null && (
        <div class="chart-tip" role="status">
          {thumb ? (
            <img class="chart-tip-thumb" src={thumb} alt="" />
          ) : (
            <span class="chart-tip-page" aria-hidden="true">
              {hover}
            </span>
          )}
          <span>
            <strong>Page {hover}</strong>
            <br />
            {hovered?.totalMs
              ? `${formatDuration(hovered.totalMs)} · ${hovered.visits} visit${hovered.visits === 1 ? '' : 's'}`
              : 'Not read yet'}
          </span>
        </div>
      )}
    </div>
  );
}
