// Wires the pure PageTracker to the browser: page visibility from an IntersectionObserver, tab
// visibility, idle input, a one-second tick, the socket transport and the beacon on the way out.

import type { FileTokenInfo, VisitInfo } from '../../server/realtime/protocol.ts';
import { timeOrderedId } from './event-id.ts';
import { PageTracker } from './tracking.ts';
import { MostVisiblePage, watchFirstHumanInput, watchInput } from './tracking-signals.ts';
import { TrackingTransport } from './tracking-transport.ts';

const TICK_MS = 1000;

export interface TrackingSession {
  /** Start observing the page elements (once PDFViewer has created them). */
  observePages(pages: Iterable<Element>): void;
  stop(): void;
}

export function startTracking(options: {
  token: string;
  /** The reader page's entry ticket, for links behind a passcode or an email gate. */
  ticket?: string;
  container: HTMLElement;
  onVisit?: (info: VisitInfo) => void;
  onFileToken?: (info: FileTokenInfo) => void;
  onUnavailable?: () => void;
  onRefused?: (code: string) => void;
}): TrackingSession {
  // performance.now() is monotonic: a clock change cannot make a dwell negative or huge.
  const now = () => performance.now();
  const tracker = new PageTracker({
    newId: () => timeOrderedId(),
    now: now(),
    visible: document.visibilityState === 'visible',
  });
  let stopped = false;
  const transport = new TrackingTransport(
    options.token,
    {
      onVisit: options.onVisit,
      onFileToken: options.onFileToken,
      onUnavailable: () => {
        stop();
        options.onUnavailable?.();
      },
      onRefused: (code) => {
        stop();
        options.onRefused?.(code);
      },
    },
    options.ticket,
  );

  const pages = new MostVisiblePage(options.container, (page) => transport.send(tracker.setPage(page, now())));
  const stopInput = watchInput(() => tracker.input(now()));
  // A person is reading (told once): a scanner that runs the page never moves, types or touches.
  const stopHuman = watchFirstHumanInput(() => transport.reportInput());
  const timer = setInterval(() => transport.send(tracker.tick(now())), TICK_MS);

  /** The page may be about to disappear: hand the dwell so far to the beacon (socket as fallback). */
  const flushForExit = (t = now()) => {
    transport.outbox.add(tracker.flush(t));
    if (!transport.beacon()) transport.send([]);
  };
  const onVisibility = () => {
    const visible = document.visibilityState === 'visible';
    const t = now();
    // Hidden: count up to this instant and send it, then stop counting while hidden.
    if (!visible) flushForExit(t);
    tracker.setVisible(visible, t);
  };
  document.addEventListener('visibilitychange', onVisibility);
  const onPageHide = () => flushForExit();
  window.addEventListener('pagehide', onPageHide);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stopInput();
    stopHuman();
    pages.disconnect();
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
    transport.close();
  }

  return {
    observePages: (elements) => pages.observe(elements),
    stop,
  };
}
