// The dynamic watermark: who reads, when and from where, over every page. The text comes from the server in
// visit:started (the link's setting, not the reader's); it is drawn by CSS from an attribute of each page element,
// which PDFViewer keeps when it re-renders a page (it removes the page's children, not its attributes).
import type { EventBus } from 'pdfjs-dist/web/pdf_viewer.mjs';

export function applyWatermark(root: HTMLElement, viewerEl: HTMLElement, eventBus: EventBus, text: string): void {
  // Repeated across and down the page (a turned line leaves corners bare otherwise); CSS turns it and keeps it
  // from catching pointer input.
  const line = [text, text, text].join('\u2003\u2003\u2003');
  const value = Array.from({ length: 12 }, () => line).join('\n\n\n');
  const mark = () => {
    for (const page of viewerEl.querySelectorAll<HTMLElement>('.page')) {
      if (page.dataset.watermark !== value) page.dataset.watermark = value;
    }
  };
  root.classList.add('has-watermark');
  mark();
  eventBus.on('pagesinit', mark);
  eventBus.on('pagerendered', mark);
}
