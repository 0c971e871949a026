// Calls `run` every `ms` while mounted (the latest `run`, so it may close over fresh state); cleared on unmount.

import { useEffect, useRef } from 'preact/hooks';

export function useInterval(run: () => void, ms: number): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms]);
}
