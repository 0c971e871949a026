// The few HTML documents the server renders: the recipient's reader, the sender's dashboard shell
// and the page a dead link shows. Pure functions; the CSP forbids inline scripts and styles, so
// data for the scripts travels in data-* attributes and every interpolated value is escaped.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in double- or single-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

export interface ReaderPageInput {
  title: string;
  token: string;
  pageCount: number | null;
  allowDownload: boolean;
  documentId: string;
  /** Lets the viewer socket past the link's gates; null when the link has none. */
  entryTicket?: string | null;
  /** Lets the page's script fetch page 1's image before its visit opens; null for none. */
  pageToken?: string | null;
}

// PDFViewer insists on DIVs for its container and viewer (hence role="main" rather than <main>).
// Icons are inline SVG markup (not script, not style), so the toolbar paints before any JS runs.
const ICONS = {
  prev: '<path d="M15 18l-6-6 6-6"/>',
  next: '<path d="M9 18l6-6-6-6"/>',
  zoomOut: '<path d="M5 12h14"/>',
  zoomIn: '<path d="M12 5v14M5 12h14"/>',
  fit: '<path d="M4 9V5h4M20 9V5h-4M4 15v4h4M20 15v4h-4"/>',
  download: '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
  doc: '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/>',
} as const;

function icon(name: keyof typeof ICONS): string {
  return `<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name]}</svg>`;
}

export function layout(opts: {
  title: string;
  styles: string[];
  script?: string;
  /** Module scripts the page's script imports at run time: fetched in parallel with it. */
  modulePreloads?: string[];
  bodyClass: string;
  body: string;
  refreshSeconds?: number;
}): string {
  const links = opts.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n    ');
  const preloads = (opts.modulePreloads ?? [])
    .map((href) => `\n    <link rel="modulepreload" href="${escapeHtml(href)}">`)
    .join('');
  const script = opts.script ? `\n    <script type="module" src="${escapeHtml(opts.script)}"></script>${preloads}` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
    <meta name="referrer" content="no-referrer">
    <meta name="robots" content="noindex, nofollow">
    <meta name="color-scheme" content="light">${opts.refreshSeconds ? `\n    <meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
    <title>${escapeHtml(opts.title)}</title>
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
    ${links}${script}
  </head>
  <body class="${escapeHtml(opts.bodyClass)}">
${opts.body}
  </body>
</html>
`;
}

/** The recipient's reader at /v/:token. The script reads its settings from #reader's data-* attributes. */
export function readerPage(input: ReaderPageInput): string {
  const token = encodeURIComponent(input.token);
  const pages = input.pageCount ?? '';
  const download = input.allowDownload
    ? `<a class="tool tool-download" id="download" href="/v/${escapeHtml(token)}/download" download title="Download" aria-label="Download">${icon('download')}<span class="tool-label">Download</span></a>`
    : '';
  const body = `    <div id="reader" class="reader" data-token="${escapeHtml(input.token)}" data-document-id="${escapeHtml(input.documentId)}" data-page-count="${escapeHtml(pages)}" data-allow-download="${input.allowDownload ? 'true' : 'false'}" data-file-url="/v/${escapeHtml(token)}/file"${input.entryTicket ? ` data-ticket="${escapeHtml(input.entryTicket)}"` : ''}${input.pageToken ? ` data-page-token="${escapeHtml(input.pageToken)}"` : ''}>
      <header class="toolbar" role="toolbar" aria-label="Document controls">
        <div class="toolbar-title">${icon('doc')}<h1 id="doc-title" title="${escapeHtml(input.title)}">${escapeHtml(input.title)}</h1></div>
        <div class="toolbar-group toolbar-pages">
          <button type="button" class="tool" id="prev" title="Previous page" aria-label="Previous page">${icon('prev')}</button>
          <label class="page-field"><span class="visually-hidden">Page</span><input id="page-number" type="text" inputmode="numeric" autocomplete="off" value="1" aria-label="Page number"></label>
          <span class="page-total">/ <span id="page-count">${escapeHtml(pages || '–')}</span></span>
          <button type="button" class="tool" id="next" title="Next page" aria-label="Next page">${icon('next')}</button>
        </div>
        <div class="toolbar-group toolbar-zoom">
          <button type="button" class="tool" id="zoom-out" title="Zoom out (−)" aria-label="Zoom out">${icon('zoomOut')}</button>
          <button type="button" class="tool" id="zoom-fit" title="Fit to width" aria-label="Fit to width">${icon('fit')}</button>
          <button type="button" class="tool" id="zoom-in" title="Zoom in (+)" aria-label="Zoom in">${icon('zoomIn')}</button>
        </div>
        <div class="toolbar-group toolbar-actions">${download}</div>
        <div class="progress" id="progress" role="progressbar" aria-label="Loading document" aria-valuemin="0" aria-valuemax="100"><div class="progress-bar" id="progress-bar"></div></div>
      </header>
      <div id="viewer-container" class="viewer-container" role="main" tabindex="0" aria-label="${escapeHtml(input.title)}">
        <div id="viewer" class="pdfViewer"></div>
      </div>
      <div id="notice" class="notice" role="alert" hidden>
        <div class="notice-card">
          <h2 id="notice-title">Something went wrong</h2>
          <p id="notice-text"></p>
        </div>
      </div>
    </div>`;
  return layout({
    title: input.title,
    styles: ['/assets/reader.css'],
    script: '/assets/reader.js',
    modulePreloads: ['/assets/reader-view.js'],
    bodyClass: 'reader-body',
    body,
  });
}

/** The sender's dashboard shell at /; the script decides between sign-in and the app via /api/me. */
export function dashboardPage(): string {
  const body = `    <div id="app" class="app-root" aria-live="polite">
      <div class="boot"><span class="brand-mark" aria-hidden="true"></span><span class="visually-hidden">Loading Pagetrail…</span></div>
    </div>`;
  return layout({
    title: 'Pagetrail',
    styles: ['/assets/dashboard.css'],
    script: '/assets/dashboard.js',
    bodyClass: 'dashboard-body',
    body,
  });
}

/**
 * Shown instead of the reader when a link is unknown, revoked or expired; `message` replaces the
 * heading for other reasons to turn a reader away (a document still being prepared).
 */
export function unavailablePage(message?: string, detail?: string): string {
  const heading = message ?? 'This link is no longer available';
  const text =
    detail ??
    (message
      ? 'Please try again in a moment.'
      : 'The person who shared this document may have revoked the link, or it has expired.');
  const body = `    <main class="unavailable">
      <div class="unavailable-card">
        <svg class="unavailable-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/><path d="M9.5 12.5l5 5M14.5 12.5l-5 5"/></svg>
        <h1>${escapeHtml(heading)}</h1>
        <p>${escapeHtml(text)}</p>
        <p class="unavailable-hint">If you still need the document, ask the sender for a new link.</p>
      </div>
    </main>`;
  return layout({
    title: message ? 'Document not available yet' : 'Link no longer available',
    styles: ['/assets/unavailable.css'],
    bodyClass: 'unavailable-body',
    body,
  });
}

/** Shown when a link is opened before its document is converted (a mailed link works at once): it reloads itself
 * every few seconds (a meta refresh: the CSP allows no inline script) and so turns into the reader when ready. */
export function preparingPage(name: string, refreshSeconds = 3): string {
  const body = `    <main class="unavailable" aria-busy="true">
      <div class="unavailable-card">
        <svg class="unavailable-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/><path d="M12 11v4l2.5 1.5"/></svg>
        <h1>Preparing ${escapeHtml(name)}</h1>
        <p>The document is being prepared for reading. This page opens it by itself in a moment.</p>
      </div>
    </main>`;
  return layout({
    title: `Preparing ${name}`,
    styles: ['/assets/unavailable.css'],
    bodyClass: 'unavailable-body preparing-body',
    body,
    refreshSeconds,
  });
}
