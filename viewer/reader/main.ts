// Entry point of the recipient's reader (/v/:token): reads the settings the server put in #reader's data-*
// attributes, starts the visit (the socket), then shows the document with the visit's file token.

import { VisitFileTransport } from './file-transport.ts';
import { createViewer, openDocument } from './pdf-viewer.ts';
import { bindProgress, bindToolbar } from './toolbar.ts';
import { startTracking } from './tracking-session.ts';
import { applyWatermark } from './watermark.ts';

const root = document.getElementById('reader') as HTMLDivElement;
const container = document.getElementById('viewer-container') as HTMLDivElement;
const viewerEl = document.getElementById('viewer') as HTMLDivElement;
const token = root.dataset.token ?? '';
const fileUrl = root.dataset.fileUrl ?? `/v/${encodeURIComponent(token)}/file`;

function showNotice(title: string, text: string): void {
  const notice = document.getElementById('notice');
  if (!notice) return;
  (document.getElementById('notice-title') as HTMLElement).textContent = title;
  (document.getElementById('notice-text') as HTMLElement).textContent = text;
  notice.hidden = false;
}

const viewer = createViewer(container, viewerEl);
bindToolbar(viewer, container);
const progress = bindProgress();

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
  viewer.close();
  download?.remove();
  root.classList.add('is-closed');
  showNotice(title, text);
};
const linkGone = () =>
  closeWith(
    'This link is no longer available',
    'The sender has revoked this link or it has expired. Ask them for a new one if you still need the document.',
  );

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
    if (info.watermark) applyWatermark(root, viewerEl, viewer.eventBus, info.watermark);
    open(info.fileSize);
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

// Tracking watches the page elements, which PDFViewer creates once the first page's size is known.
viewer.eventBus.on('pagesinit', () => {
  tracking.observePages(viewerEl.querySelectorAll('.page[data-page-number]'));
  container.focus({ preventScroll: true });
});
viewer.eventBus.on('pagerendered', () => progress.done(), { once: true });

function open(fileSize: number): void {
  const transport = new VisitFileTransport(fileUrl, fileSize, currentToken, () => {
    tracking.stop();
    linkGone();
  });
  openDocument(viewer, transport, (fraction) => progress.set(fraction)).catch((error: unknown) => {
    progress.done();
    showNotice(
      'This document could not be displayed',
      'Please reload the page. If the problem persists, ask the sender to share it again.',
    );
    console.error(error);
  });
}
