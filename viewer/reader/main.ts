// Entry point of the recipient's reader (/v/:token): reads the settings the server put in
// #reader's data-* attributes, shows the document and starts tracking.

import { createViewer, openDocument } from './pdf-viewer.ts';
import { bindProgress, bindToolbar } from './toolbar.ts';
import { startTracking } from './tracking-session.ts';

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

const download = document.getElementById('download') as HTMLAnchorElement | null;
const tracking = startTracking({
  token,
  container,
  onVisit(visitId) {
    // The download is recorded against this visit.
    if (download) download.href = `/v/${encodeURIComponent(token)}/download?visit=${encodeURIComponent(visitId)}`;
  },
  onUnavailable() {
    viewer.close();
    download?.remove();
    root.classList.add('is-closed');
    showNotice(
      'This link is no longer available',
      'The sender has revoked this link or it has expired. Ask them for a new one if you still need the document.',
    );
  },
});

// Tracking watches the page elements, which PDFViewer creates once the first page's size is known.
viewer.eventBus.on('pagesinit', () => {
  tracking.observePages(viewerEl.querySelectorAll('.page[data-page-number]'));
  container.focus({ preventScroll: true });
});
viewer.eventBus.on('pagerendered', () => progress.done(), { once: true });

openDocument(viewer, fileUrl, (fraction) => progress.set(fraction)).catch((error: unknown) => {
  progress.done();
  const name = error instanceof Error ? error.name : '';
  if (name === 'ResponseException' || name === 'MissingPDFException') {
    tracking.stop();
    showNotice(
      'This link is no longer available',
      'The document could not be loaded. The link may have been revoked or expired.',
    );
  } else {
    showNotice(
      'This document could not be displayed',
      'Please reload the page. If the problem persists, ask the sender to share it again.',
    );
  }
  console.error(error);
});
