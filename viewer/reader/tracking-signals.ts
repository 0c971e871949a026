// Browser signals for tracking: which page is most visible, and whether the reader is giving input.

/** Input that proves someone is at the screen (see IDLE_MS in tracking.ts). */
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'scroll', 'touchstart'] as const;

// Enough steps that the ranking changes smoothly while scrolling through tall pages.
const THRESHOLDS = Array.from({ length: 21 }, (_, i) => i / 20);

/**
 * Calls onChange with the page (1-based) showing the most pixels inside `root`, or null when none
 * is. Page elements are PDFViewer's `.page[data-page-number]` divs; call observe() once they exist.
 */
export class MostVisiblePage {
  readonly #visiblePx = new Map<number, number>();
  readonly #observer: IntersectionObserver;
  readonly #onChange: (page: number | null) => void;
  #current: number | null = null;

  constructor(root: HTMLElement, onChange: (page: number | null) => void) {
    this.#onChange = onChange;
    this.#observer = new IntersectionObserver((entries) => this.#update(entries), { root, threshold: THRESHOLDS });
  }

  observe(pages: Iterable<Element>): void {
    for (const page of pages) this.#observer.observe(page);
  }

  disconnect(): void {
    this.#observer.disconnect();
  }

  #update(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const page = Number((entry.target as HTMLElement).dataset.pageNumber);
      if (!Number.isInteger(page)) continue;
      if (entry.isIntersecting && entry.intersectionRect.height > 0)
        this.#visiblePx.set(page, entry.intersectionRect.height);
      else this.#visiblePx.delete(page);
    }
    let best: number | null = null;
    let bestPx = 0;
    // Ties go to the earlier page, which is where the eye starts.
    for (const [page, px] of this.#visiblePx) {
      if (px > bestPx || (px === bestPx && best !== null && page < best)) {
        best = page;
        bestPx = px;
      }
    }
    if (best !== this.#current) {
      this.#current = best;
      this.#onChange(best);
    }
  }
}

/** Reports user input (throttled) until the returned function is called. */
export function watchInput(onInput: () => void, throttleMs = 1000): () => void {
  let last = 0;
  const handler = () => {
    const now = performance.now();
    if (now - last < throttleMs) return;
    last = now;
    onInput();
  };
  // Capture phase, because scroll events from the viewer container do not bubble to document.
  const options = { capture: true, passive: true } as const;
  for (const type of INPUT_EVENTS) document.addEventListener(type, handler, options);
  return () => {
    for (const type of INPUT_EVENTS) document.removeEventListener(type, handler, options);
  };
}

/** What only a person does: pointer, key, wheel, touch. (Plain `scroll` is left out: the viewer scrolls by itself
 * when it lays pages out, and so would a script.) */
const HUMAN_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/** Calls `onFirst` once, on the first trusted human input of the page, then stops listening. */
export function watchFirstHumanInput(onFirst: () => void): () => void {
  const options = { capture: true, passive: true } as const;
  const stop = () => {
    for (const type of HUMAN_EVENTS) document.removeEventListener(type, handler, options);
  };
  function handler(e: Event): void {
    if (!e.isTrusted) return;
    stop();
    onFirst();
  }
  for (const type of HUMAN_EVENTS) document.addEventListener(type, handler, options);
  return stop;
}
