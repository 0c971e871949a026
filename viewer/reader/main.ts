// Entry point of the recipient's reader (/v/:token): reads the settings the server put in #reader's data-*
// attributes, starts the pdf.js worker and the visit (the socket) at once, paints page 1's image at once (with the
// page's page token; else as soon as the visit has its file token), and hands the document to reader-view.js (pdf.js, loaded in parallel) to draw.
// This bundle stays small (no pdf.js): its quick start is what the first visible page waits for.

import type * as DocumentViewModule from './document-view.ts';
import { showFirstPage } from './first-page.ts';
import { bindProgress } from './toolbar.ts';
import { startTracking } from './tracking-session.ts';

const ASSETS = '/assets/';
const root = document.getElementById('reader') as HTMLDivElement;
const container = document.getElementById('viewer-container') as HTMLDivElement;
const viewerEl = document.getElementById('viewer') as HTMLDivElement;
const token = root.dataset.token ?? '';
const fileUrl = root.dataset.fileUrl ?? `/v/${encodeURIComponent(token)}/file`;
const firstPageUrl = `/v/${encodeURIComponent(token)}/first-page`;

// The worker's 1.2 MB script downloads and compiles while the socket opens the visit (served from our own origin,
// so the CSP's worker-src 'self' is enough).
const worker = new Worker(`${ASSETS}pdf.worker.min.mjs`, { type: 'module' });
const progress = bindProgress();
// The page token is the page's own (no visit yet): the image comes while the socket opens.
const pageToken = root.dataset.pageToken;
const early = pageToken ? showFirstPage(container, firstPageUrl, pageToken) : null;
let preview: { remove(): void } | null = early;

// A URL, not a path esbuild would bundle: reader-view.js is its own bundle, preloaded by the page.
const viewUrl = `${ASSETS}reader-view.js`;
const view = (import(viewUrl) as Promise<typeof DocumentViewModule>).then((m) =>
  m.createDocumentView({
    root,
    container,
    viewerEl,
    worker,
    onPagesInit: (pages) => tracking.observePages(pages),
    onFirstPageRendered() {
      preview?.remove();
      progress.done();
    },
  }),
);

function showNotice(title: string, text: string): void {
  const notice = document.getElementById('notice');
  if (!notice) return;
  (document.getElementById('notice-title') as HTMLElement).textContent = title;
  (document.getElementById('notice-text') as HTMLElement).textContent = text;
  notice.hidden = false;
}

/** The current file token; a request made while there is none (the socket is reconnecting) waits for the next. */
let fileToken: string | null = null;
let tokenWaiters: ((t: string) => void)[] = [];
const setFileToken = (t: string) => {
  fileToken = t;
  for (const wake of tokenWaiters) wake(t);
  tokenWaiters = [];
};
const currentToken = () => (fileToken ? Promise.resolve(fileToken) : new Promise<string>((r) => tokenWaiters.push(r)));
let opened = false;

const closeWith = (title: string, text: string) => {
  preview?.remove();
  void view.then((v) => v.viewer.close());
  worker.terminate();
  download?.remove();
  root.classList.add('is-closed');
  showNotice(title, text);
};
const linkGone = () =>
  closeWith(
    'This link is no longer available',
    'The sender has revoked this link or it has expired. Ask them for a new one if you still need the document.',
  );
const cannotShow = (error: unknown) => {
  progress.done();
  showNotice(
    'This document could not be displayed',
    'Please reload the page. If the problem persists, ask the sender to share it again.',
  );
  console.error(error);
};

const download = document.getElementById('download') as HTMLAnchorElement | null;
const tracking = startTracking({
  token,
  ticket: root.dataset.ticket,
  container,
  onVisit(info) {
    setFileToken(info.fileToken);
    // The download is recorded against this visit.
    if (download) download.href = `/v/${encodeURIComponent(token)}/download?visit=${encodeURIComponent(info.visitId)}`;
    if (opened) return;
    opened = true;
    // Not for a watermarked link: the image carries no watermark.
    if (info.watermark) early?.remove();
    const image = info.watermark ? null : (early ?? showFirstPage(container, firstPageUrl, info.fileToken));
    preview = image;
    view
      .then((v) =>
        v.open({
          fileUrl,
          fileSize: info.fileSize,
          token: currentToken,
          watermark: info.watermark,
          fetchAheadAfter: image?.shown ?? Promise.resolve(),
          onLost() {
            tracking.stop();
            linkGone();
          },
          onProgress: (fraction) => progress.set(fraction),
        }),
      )
      .catch(cannotShow);
  },
  onFileToken: (info) => setFileToken(info.fileToken),
  onUnavailable: linkGone,
  onRefused(code) {
    // The gates changed under the page (its pass expired, say): the link's page shows them again.
    if (code === 'access_required') window.location.reload();
    else if (code === 'view_limit_reached')
      closeWith('This link has reached its view limit', 'Ask the sender for a new link if you still need it.');
    else closeWith('You cannot open this document', 'The sender does not allow this reader to open it.');
  },
});
