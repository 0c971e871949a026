// Uploads one file to POST /api/documents. XMLHttpRequest rather than fetch, because only XHR
// reports upload progress.

import { ApiError, CSRF_HEADER, type DocumentSummary } from './api.ts';

export type UploadResult = DocumentSummary;

export function uploadDocument(file: File, onProgress: (fraction: number) => void): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
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
