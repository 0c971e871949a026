// Loads from the API when `key` changes or `reload()` is called; an answer for an older request (or after
// unmount) is dropped, so a slow response never overwrites a newer one.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ApiState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(load: () => Promise<T>, key: string): ApiState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    const request = ++current.current;
    setLoading(true);
    loader.current().then(
      (value) => {
        if (request !== current.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (request !== current.current) return;
        setError(err instanceof Error ? err.message : String(err));
        setLoading(false);
      },
    );
    return () => {
      // Unmounted or superseded: a late answer is ignored.
      if (request === current.current) current.current++;
    };
  }, [key, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}
