// The sender's documents, shared by the documents page, the feed (for names) and presence through a context.
// Refreshed from the API; polled while a conversion is running, in case a document:updated is missed; the poll
// stops when the signed-in app unmounts.

import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { endpoints, type DocumentSummary } from '../api.ts';

const POLL_MS = 3000;

export class DocumentStore {
  #documents: DocumentSummary[] = [];
  #loaded = false;
  #error: string | null = null;
  readonly #listeners = new Set<() => void>();
  #poll: ReturnType<typeof setTimeout> | null = null;
  #inflight: Promise<void> | null = null;
  #closed = false;

  get documents(): readonly DocumentSummary[] {
    return this.#documents;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  get error(): string | null {
    return this.#error;
  }

  byId(id: string | undefined): DocumentSummary | undefined {
    return id === undefined ? undefined : this.#documents.find((d) => d.id === id);
  }

  nameOf(id: string | undefined): string | null {
    return this.byId(id)?.name ?? null;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Coalesces concurrent refreshes into one request. */
  refresh(): Promise<void> {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /** Shows a just-uploaded document at once, before the next refresh lists it. */
  upsert(doc: DocumentSummary): void {
    const index = this.#documents.findIndex((d) => d.id === doc.id);
    if (index >= 0) this.#documents[index] = { ...this.#documents[index], ...doc };
    else this.#documents = [doc, ...this.#documents];
    this.#changed();
  }

  remove(id: string): void {
    this.#documents = this.#documents.filter((d) => d.id !== id);
    this.#changed();
  }

  /** No more polling; a refresh still in flight changes nothing. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    if (this.#poll !== null) clearTimeout(this.#poll);
    this.#poll = null;
  }

  async #load(): Promise<void> {
    try {
      const { documents } = await endpoints.documents();
      this.#documents = [...documents].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      this.#error = null;
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
    }
    this.#loaded = true;
    this.#changed();
  }

  #changed(): void {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener();
    this.#schedulePoll();
  }

  #schedulePoll(): void {
    const converting = this.#documents.some((d) => d.status === 'processing');
    if (converting && this.#poll === null) {
      this.#poll = setTimeout(() => {
        this.#poll = null;
        void this.refresh();
      }, POLL_MS);
    } else if (!converting && this.#poll !== null) {
      clearTimeout(this.#poll);
      this.#poll = null;
    }
  }
}

export const DocumentsContext = createContext<DocumentStore | null>(null);

/** The signed-in app's store: created on mount, loaded at once, closed on unmount. */
export function useDocumentStore(): DocumentStore {
  const [store] = useState(() => new DocumentStore());
  useEffect(() => () => store.close(), [store]);
  return store;
}

/** The store from the app's context; the component re-renders when it changes and unsubscribes on unmount. */
export function useDocuments(): DocumentStore {
  const store = useContext(DocumentsContext);
  if (!store) throw new Error('useDocuments outside the signed-in app');
  const [, setVersion] = useState(0);
  useEffect(() => store.subscribe(() => setVersion((n) => n + 1)), [store]);
  return store;
}
