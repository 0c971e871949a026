// The documents page: drop or choose a file to upload (with progress), then the list with each
// document's conversion status.

import type { DocumentSummary } from './api.ts';
import { h, icon, render } from './dom.ts';
import { formatBytes, formatRelative } from './format.ts';
import type { DocumentStore } from './store.ts';
import { uploadDocument } from './upload.ts';

const ACCEPT = '.pdf,.doc,.docx,.odt,.rtf,.ppt,.pptx,.odp,application/pdf';

export function statusBadge(doc: Pick<DocumentSummary, 'status' | 'error'>): HTMLElement {
  if (doc.status === 'ready') return h('span', { class: 'badge badge-success' }, 'Ready');
  if (doc.status === 'failed')
    return h('span', { class: 'badge badge-danger', title: doc.error?.message ?? '' }, 'Failed');
  return h(
    'span',
    { class: 'badge badge-progress' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    'Converting',
  );
}

export function thumbnail(doc: Pick<DocumentSummary, 'thumbnailUrl' | 'name'>, size: 'sm' | 'lg' = 'sm'): HTMLElement {
  const frame = h('div', { class: `thumb thumb-${size}` });
  if (doc.thumbnailUrl) {
    const img = h('img', { src: doc.thumbnailUrl, alt: '', loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () => render(frame, icon('doc', 'icon thumb-icon')));
    frame.append(img);
  } else {
    frame.append(icon('doc', 'icon thumb-icon'));
  }
  return frame;
}

export function renderDocuments(root: HTMLElement, store: DocumentStore): () => void {
  const input = h('input', {
    type: 'file',
    accept: ACCEPT,
    class: 'visually-hidden',
    id: 'file-input',
    multiple: true,
  });
  const uploads = h('ul', { class: 'upload-list' });
  const dropzone = h(
    'label',
    { class: 'dropzone', for: 'file-input' },
    h('span', { class: 'dropzone-icon' }, icon('upload')),
    h('span', { class: 'dropzone-title' }, 'Drop a file here, or ', h('span', { class: 'link-like' }, 'choose one')),
    h('span', { class: 'dropzone-hint' }, 'PDF, Word or PowerPoint'),
    input,
  );
  const list = h('ul', { class: 'doc-list' });
  const empty = h(
    'div',
    { class: 'empty-state' },
    h('p', { class: 'empty-title' }, 'No documents yet'),
    h('p', null, 'Upload your first document, then create a link for each recipient.'),
  );
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });

  const start = (files: Iterable<File>) => {
    for (const file of files) void startUpload(file);
  };
  const startUpload = async (file: File) => {
    const bar = h('span', { class: 'bar-fill' });
    const percent = h('span', { class: 'upload-percent' }, '0%');
    const row = h(
      'li',
      { class: 'upload-item' },
      h('span', { class: 'upload-name' }, file.name),
      h('span', { class: 'upload-size' }, formatBytes(file.size)),
      h('span', { class: 'bar' }, bar),
      percent,
    );
    uploads.append(row);
    try {
      const doc = await uploadDocument(file, (fraction) => {
        bar.style.setProperty('--value', `${Math.round(fraction * 100)}%`);
        percent.textContent = fraction >= 1 ? 'Processing…' : `${Math.round(fraction * 100)}%`;
      });
      store.upsert(doc);
      row.remove();
      void store.refresh();
    } catch (err) {
      row.classList.add('is-error');
      percent.textContent = err instanceof Error ? err.message : 'Upload failed.';
      const dismiss = h(
        'button',
        { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => row.remove() },
        'Dismiss',
      );
      row.append(dismiss);
    }
  };

  input.addEventListener('change', () => {
    if (input.files) start([...input.files]);
    input.value = '';
  });
  dropzone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropzone.classList.add('is-over');
  });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('is-over'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('is-over');
    if (event.dataTransfer?.files.length) start([...event.dataTransfer.files]);
  });

  const paint = () => {
    error.hidden = !store.error;
    error.textContent = store.error ?? '';
    empty.hidden = !store.loaded || store.documents.length > 0;
    render(list, ...store.documents.map(documentRow));
  };
  const unsubscribe = store.subscribe(paint);
  paint();

  render(
    root,
    h(
      'section',
      { class: 'page' },
      h(
        'header',
        { class: 'page-header' },
        h(
          'div',
          null,
          h('h1', { class: 'page-title' }, 'Documents'),
          h(
            'p',
            { class: 'page-sub' },
            'Upload a document, send each recipient their own link, and see how it is read.',
          ),
        ),
      ),
      dropzone,
      uploads,
      error,
      h('div', { class: 'card card-flush' }, empty, list),
    ),
  );
  return unsubscribe;
}

function documentRow(doc: DocumentSummary): HTMLLIElement {
  const meta = [
    doc.pageCount ? `${doc.pageCount} page${doc.pageCount === 1 ? '' : 's'}` : null,
    formatBytes(doc.sizeBytes),
    `uploaded ${formatRelative(doc.createdAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return h(
    'li',
    { class: 'doc-row' },
    h(
      'a',
      { class: 'doc-link', href: `#/documents/${encodeURIComponent(doc.id)}` },
      thumbnail(doc),
      h(
        'div',
        { class: 'doc-main' },
        h('p', { class: 'doc-name' }, doc.name),
        h('p', { class: 'doc-meta' }, meta),
        doc.status === 'failed' && doc.error ? h('p', { class: 'doc-error' }, doc.error.message) : null,
      ),
      statusBadge(doc),
    ),
  );
}
