// Uploads in progress, owned by the signed-in app so they carry on while the sender looks at another page (and are
// aborted when the app unmounts). Each file goes to POST /api/documents with XMLHttpRequest rather than fetch,
// because only XHR reports upload progress. Files dropped outside the drop zone are ignored, not opened.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, CSRF_HEADER, type DocumentSummary } from '../api.ts';
import type { DocumentStore } from './use-documents.ts';

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  /** 0..1 of the bytes sent; 1 while the server stores and queues the file. */
  fraction: number;
  error: string | null;
}

export interface Uploads {
  items: readonly UploadItem[];
  start(files: Iterable<File>): void;
  dismiss(key: number): void;
}

export function useUploads(store: DocumentStore): Uploads {
  const [items, setItems] = useState<readonly UploadItem[]>([]);
  const aborts = useRef(new AbortController());
  const next = useRef(0);

  useEffect(() => {
    const ignore = (event: DragEvent) => event.preventDefault();
    window.addEventListener('dragover', ignore);
    window.addEventListener('drop', ignore);
    const uploads = aborts.current;
    return () => {
      window.removeEventListener('dragover', ignore);
      window.removeEventListener('drop', ignore);
      uploads.abort();
    };
  }, []);

  const start = useCallback(
    (files: Iterable<File>) => {
      const signal = aborts.current.signal;
      for (const file of files) {
        const key = next.current++;
        const edit = (change: Partial<UploadItem>) =>
          setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
        setItems((list) => [...list, { key, name: file.name, size: file.size, fraction: 0, error: null }]);
        uploadDocument(file, (fraction) => edit({ fraction }), signal).then(
          (doc) => {
            store.upsert(doc);
            setItems((list) => list.filter((item) => item.key !== key));
            void store.refresh();
          },
          (err: unknown) => {
            if (!signal.aborted) edit({ error: err instanceof Error ? err.message : 'Upload failed.' });
          },
        );
      }
    },
    [store],
  );
  const dismiss = useCallback((key: number) => setItems((list) => list.filter((item) => item.key !== key)), []);
  return { items, start, dismiss };
}

type UploadResult = DocumentSummary;

function uploadDocument(
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    signal.addEventListener('abort', abort, { once: true });
    xhr.addEventListener('loadend', () => signal.removeEventListener('abort', abort));
    xhr.open('POST', '/api/documents');
    for (const [name, value] of Object.entries(CSRF_HEADER)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const body = xhr.response as (UploadResult & { error?: { code: string; message: string } }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        onProgress(1);
        resolve(body);
        return;
      }
      if (xhr.status === 413)
        reject(new ApiError(413, body?.error?.code ?? 'too_large', body?.error?.message ?? 'This file is too large.'));
      else
        reject(
          new ApiError(
            xhr.status,
            body?.error?.code ?? 'upload_failed',
            body?.error?.message ?? `Upload failed (${xhr.status}).`,
          ),
        );
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'The upload was interrupted. Check your connection and try again.')),
    );
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'Upload cancelled.')));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
