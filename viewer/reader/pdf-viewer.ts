// The document display, assembled from pdf.js components as in pdf.js's
// examples/components/simpleviewer.mjs: one EventBus shared by PDFViewer, PDFLinkService and our
// own toolbar and tracking. Rendering only; tracking lives in tracking*.ts.

// pdf.mjs must be evaluated before pdf_viewer.mjs, which reads globalThis.pdfjsLib.
import {
  AnnotationEditorType,
  AnnotationMode,
  getDocument,
  GlobalWorkerOptions,
  PDFWorker,
  type PDFDataRangeTransport,
  type PDFDocumentProxy,
} from 'pdfjs-dist';
import { EventBus, LinkTarget, PDFLinkService, PDFViewer } from 'pdfjs-dist/web/pdf_viewer.mjs';

const ASSETS = '/assets/';
const PDFJS_ASSETS = `${ASSETS}pdfjs/`;

// Served from our own origin, so the CSP's worker-src 'self' is enough.
GlobalWorkerOptions.workerSrc = `${ASSETS}pdf.worker.min.mjs`;

/** pdf.js's range size; the file transport fetches its first ranges ahead in the same size. */
export const RANGE_CHUNK_SIZE = 128 * 1024;

let worker: PDFWorker | null = null;
let workerPort: Worker | null = null;

/** Uses a worker started early (reader.js starts it before pdf.js has arrived) instead of starting one. */
export function adoptWorker(port: Worker): void {
  workerPort = port;
  // pdf.js types `port` as null though it takes a Worker (its own viewer passes GlobalWorkerOptions.workerPort).
  worker = new PDFWorker({ port } as unknown as ConstructorParameters<typeof PDFWorker>[0]);
}

/** Relationship for every outbound link: no window.opener, no Referer carrying the link token, no SEO credit. */
export const EXTERNAL_LINK_REL = 'noopener noreferrer nofollow';

/**
 * The one place outbound links get their attributes (annotation links and auto-linked URLs both
 * come through here): always a new tab, never leaking the reader's URL.
 */
class ReaderLinkService extends PDFLinkService {
  override addLinkAttributes(link: HTMLAnchorElement, url: string, _newWindow?: boolean): void {
    super.addLinkAttributes(link, url, true);
    link.target = '_blank';
    link.rel = EXTERNAL_LINK_REL;
  }
}

export interface Viewer {
  eventBus: EventBus;
  pdfViewer: PDFViewer;
  linkService: PDFLinkService;
  /** Stops loading, drops the document and frees the worker (the link died while reading). */
  close(): void;
}

export function createViewer(container: HTMLDivElement, viewer: HTMLDivElement): Viewer {
  const eventBus = new EventBus();
  const linkService = new ReaderLinkService({
    eventBus,
    externalLinkTarget: LinkTarget.BLANK,
    externalLinkRel: EXTERNAL_LINK_REL,
  });
  const pdfViewer = new PDFViewer({
    container,
    viewer,
    eventBus,
    linkService,
    imageResourcesPath: `${PDFJS_ASSETS}images/`,
    // Recipients read: links work, form fields show their values, nothing is editable. No
    // scripting manager is passed, so PDF JavaScript never runs (enableScripting stays false).
    annotationMode: AnnotationMode.ENABLE,
    annotationEditorMode: AnnotationEditorType.DISABLE,
  });
  linkService.setViewer(pdfViewer);
  eventBus.on('pagesinit', () => {
    // 'auto': a portrait page fills the width up to 125 % (readable lines on a wide screen, the full width on a
    // phone), a landscape slide fits whole in the window. The toolbar's fit button gives the full width.
    pdfViewer.currentScaleValue = 'auto';
  });
  return { eventBus, pdfViewer, linkService, close: () => void closeDocument(pdfViewer) };
}

let currentTask: ReturnType<typeof getDocument> | null = null;

async function closeDocument(pdfViewer: PDFViewer): Promise<void> {
  pdfViewer.setDocument(null);
  const task = currentTask;
  currentTask = null;
  await task?.destroy();
  worker?.destroy();
  workerPort?.terminate();
  worker = null;
  workerPort = null;
}

/**
 * Loads the PDF in ranges through `range` (the visit's file transport) so the first page shows before a large file
 * has arrived: no background fetching of the rest; pages are fetched and rendered as they come into view.
 */
export async function openDocument(
  viewer: Viewer,
  range: PDFDataRangeTransport,
  onProgress: (fraction: number) => void,
): Promise<PDFDocumentProxy> {
  const task = getDocument({
    range,
    worker: worker ?? undefined,
    disableAutoFetch: true,
    rangeChunkSize: RANGE_CHUNK_SIZE,
    cMapUrl: `${PDFJS_ASSETS}cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${PDFJS_ASSETS}standard_fonts/`,
    wasmUrl: `${PDFJS_ASSETS}wasm/`,
    iccUrl: `${PDFJS_ASSETS}iccs/`,
    enableXfa: false,
  });
  currentTask = task;
  task.onProgress = ({ loaded, total }: { loaded: number; total: number }) => {
    if (total > 0) onProgress(Math.min(1, loaded / total));
  };
  const pdfDocument = await task.promise;
  viewer.pdfViewer.setDocument(pdfDocument);
  viewer.linkService.setDocument(pdfDocument, null);
  return pdfDocument;
}
