// Live activity handed from the feed socket to the page on screen: the app owns one hub, pages subscribe
// through the context (and unsubscribe on unmount) and count the events that concern them.

import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ActivityEvent } from '../../../server/realtime/protocol.ts';

export class ActivityHub {
  readonly #listeners = new Set<(event: ActivityEvent) => void>();

  subscribe(listener: (event: ActivityEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ActivityEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

export const ActivityContext = createContext<ActivityHub | null>(null);

/** A counter that grows with each live event `matches` accepts (0 until the first). */
export function useActivityPulse(matches: (event: ActivityEvent) => boolean): number {
  const hub = useContext(ActivityContext);
  const [pulse, setPulse] = useState(0);
  const latest = useRef(matches);
  latest.current = matches;
  useEffect(
    () =>
      hub?.subscribe((event) => {
        if (latest.current(event)) setPulse((n) => n + 1);
      }),
    [hub],
  );
  return pulse;
}
