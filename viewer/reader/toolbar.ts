// Toolbar and keyboard controls for the reader. The markup comes from the server (pages.ts); this
// binds it to PDFViewer through the shared EventBus.

import type { Viewer } from './pdf-viewer.ts';

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the reader page`);
  return el as T;
}

/** Scrolls the container by a fraction of its height (arrow keys and PageUp/PageDown). */
function scrollBy(container: HTMLElement, px: number): void {
  container.scrollBy({ top: px, behavior: 'auto' });
}

export function bindToolbar({ pdfViewer, eventBus }: Viewer, container: HTMLElement): void {
  const pageInput = byId<HTMLInputElement>('page-number');
  const pageCount = byId('page-count');
  const prev = byId<HTMLButtonElement>('prev');
  const next = byId<HTMLButtonElement>('next');

  const syncButtons = () => {
    const page = pdfViewer.currentPageNumber;
    const total = pdfViewer.pagesCount;
    prev.disabled = page <= 1;
    next.disabled = page >= total;
  };

  eventBus.on('pagesinit', () => {
    pageCount.textContent = String(pdfViewer.pagesCount);
    pageInput.value = String(pdfViewer.currentPageNumber);
    pageInput.size = Math.max(1, String(pdfViewer.pagesCount).length);
    syncButtons();
  });
  eventBus.on('pagechanging', ({ pageNumber }: { pageNumber: number }) => {
    if (document.activeElement !== pageInput) pageInput.value = String(pageNumber);
    syncButtons();
  });

  prev.addEventListener('click', () => pdfViewer.previousPage());
  next.addEventListener('click', () => pdfViewer.nextPage());
  byId('zoom-in').addEventListener('click', () => pdfViewer.increaseScale());
  byId('zoom-out').addEventListener('click', () => pdfViewer.decreaseScale());
  byId('zoom-fit').addEventListener('click', () => {
    pdfViewer.currentScaleValue = 'page-width';
  });

  const goToTyped = () => {
    const page = Number.parseInt(pageInput.value, 10);
    if (Number.isInteger(page) && page >= 1 && page <= pdfViewer.pagesCount) pdfViewer.currentPageNumber = page;
    pageInput.value = String(pdfViewer.currentPageNumber);
  };
  pageInput.addEventListener('change', goToTyped);
  pageInput.addEventListener('focus', () => pageInput.select());
  pageInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      goToTyped();
      container.focus();
    } else if (event.key === 'Escape') {
      pageInput.value = String(pdfViewer.currentPageNumber);
      container.focus();
    }
  });

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (pdfViewer.pagesCount === 0) return;
    const modifier = event.ctrlKey || event.metaKey;
    let handled = true;
    switch (event.key) {
      case '+':
      case '=':
        pdfViewer.increaseScale();
        break;
      case '-':
      case '_':
        pdfViewer.decreaseScale();
        break;
      case '0':
        pdfViewer.currentScaleValue = 'page-width';
        break;
      default:
        handled = false;
    }
    if (!handled && !modifier && !event.shiftKey) {
      handled = true;
      switch (event.key) {
        case 'ArrowLeft':
          pdfViewer.previousPage();
          break;
        case 'ArrowRight':
          pdfViewer.nextPage();
          break;
        case 'ArrowUp':
          scrollBy(container, -60);
          break;
        case 'ArrowDown':
          scrollBy(container, 60);
          break;
        case 'PageUp':
          scrollBy(container, -container.clientHeight * 0.9);
          break;
        case 'PageDown':
        case ' ':
          scrollBy(container, container.clientHeight * 0.9);
          break;
        case 'Home':
          pdfViewer.currentPageNumber = 1;
          break;
        case 'End':
          pdfViewer.currentPageNumber = pdfViewer.pagesCount;
          break;
        default:
          handled = false;
      }
    }
    if (handled) event.preventDefault();
  });
}

/** The thin loading bar under the toolbar: fed with 0..1, hidden once the first page is drawn. */
export function bindProgress(): { set(fraction: number): void; done(): void } {
  const bar = byId('progress');
  const fill = byId('progress-bar');
  let finished = false;
  return {
    set(fraction) {
      if (finished) return;
      const percent = Math.round(fraction * 100);
      fill.style.setProperty('--progress', `${percent}%`);
      bar.setAttribute('aria-valuenow', String(percent));
    },
    done() {
      finished = true;
      fill.style.setProperty('--progress', '100%');
      bar.classList.add('progress-done');
    },
  };
}
