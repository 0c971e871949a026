// Re-renders when the shared document store changes; unsubscribes on unmount.

import { useEffect, useState } from 'preact/hooks';
import type { DocumentStore } from '../store.ts';

export function useStore(store: DocumentStore): DocumentStore {
  const [, setVersion] = useState(0);
  useEffect(() => store.subscribe(() => setVersion((n) => n + 1)), [store]);
  return store;
}
