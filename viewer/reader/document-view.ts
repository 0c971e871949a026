// The document itself, built as its own bundle (reader-view.js, preloaded by the page) so that the small reader.js
// opens the visit and paints page 1's image while pdf.js is still downloading: the pdf.js viewer, its toolbar, the
// watermark and the file transport.
import { VisitFileTransport } from './file-transport.ts';
import { adoptWorker, createViewer, openDocument, RANGE_CHUNK_SIZE, type Viewer } from './pdf-viewer.ts';
import { bindToolbar } from './toolbar.ts';
import { applyWatermark } from './watermark.ts';

export interface DocumentViewOptions {
  root: HTMLElement;
  container: HTMLDivElement;
  viewerEl: HTMLDivElement;
  /** The pdf.js worker, started by reader.js before this bundle arrived. */
  worker: Worker;
  /** PDFViewer made the page elements (tracking observes them). */
  onPagesInit(pages: NodeListOf<Element>): void;
  /** Page 1 drawn by pdf.js (the image can go, the progress bar is done). */
  onFirstPageRendered(): void;
}

export interface OpenOptions {
  fileUrl: string;
  fileSize: number;
  token: () => Promise<string>;
  watermark: string | null;
  /** Settles when the PDF's first ranges may be fetched (after page 1's image, which should not share the line). */
  fetchAheadAfter: Promise<unknown>;
  onLost(): void;
  onProgress(fraction: number): void;
}

export interface DocumentView {
  viewer: Viewer;
  open(o: OpenOptions): Promise<void>;
}

export function createDocumentView(o: DocumentViewOptions): DocumentView {
  adoptWorker(o.worker);
  const viewer = createViewer(o.container, o.viewerEl);
  bindToolbar(viewer, o.container);
  // Tracking watches the page elements, which PDFViewer creates once the first page's size is known.
  viewer.eventBus.on('pagesinit', () => {
    o.onPagesInit(o.viewerEl.querySelectorAll('.page[data-page-number]'));
    o.container.focus({ preventScroll: true });
  });
  const onRendered = ({ pageNumber }: { pageNumber: number }) => {
    if (pageNumber !== 1) return;
    viewer.eventBus.off('pagerendered', onRendered);
    o.onFirstPageRendered();
  };
  viewer.eventBus.on('pagerendered', onRendered);
  return {
    viewer,
    async open(p) {
      if (p.watermark) applyWatermark(o.root, o.viewerEl, viewer.eventBus, p.watermark);
      const transport = new VisitFileTransport(p.fileUrl, p.fileSize, p.token, p.onLost);
      void p.fetchAheadAfter.then(() => transport.fetchAhead(RANGE_CHUNK_SIZE));
      await openDocument(viewer, transport, p.onProgress);
    },
  };
}
