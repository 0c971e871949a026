// The rendered width of an element, kept current by a ResizeObserver that is disconnected on unmount, so SVG
// charts draw at their real size and their text stays readable on a phone.

import { useEffect, useRef, useState } from 'preact/hooks';

export function useWidth<T extends Element>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.round(entry?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}
