// Calls `run` once, `delayMs` after the first of a burst of pulses (a counter that grows on each live event);
// the pending timer is cleared on unmount.

import { useEffect, useRef } from 'preact/hooks';

export function useDebouncedPulse(pulse: number, delayMs: number, run: () => void): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    if (pulse === 0 || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, delayMs);
  }, [pulse, delayMs]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
}
