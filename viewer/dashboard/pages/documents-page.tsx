// The documents page: drop or choose files to upload (with progress), then the list with each document's
// conversion status, linked to its page.

import type { DocumentSummary } from '../api.ts';
import { StatusBadge, Thumb } from '../components/doc-header.tsx';
import { UploadZone } from '../components/upload-zone.tsx';
import { formatBytes, formatRelative } from '../format.ts';
import { useDocuments } from '../hooks/use-documents.ts';
import { documentHref } from '../hooks/use-route.ts';
import type { Uploads } from '../hooks/use-uploads.ts';

export function DocumentsPage({ uploads }: { uploads: Uploads }) {
  const store = useDocuments();
  return (
    <section class="page">
      <header class="page-header">
        <div>
          <h1 class="page-title">Documents</h1>
          <p class="page-sub">Upload a document, send each recipient their own link, and see how it is read.</p>
        </div>
      </header>
      <UploadZone uploads={uploads} />
      {store.error && (
        <p class="form-error" role="alert">
          {store.error}
        </p>
      )}
      <div class="card card-flush">
        {store.loaded && store.documents.length === 0 && (
          <div class="empty-state">
            <p class="empty-title">No documents yet</p>
            <p>Upload your first document, then create a link for each recipient.</p>
          </div>
        )}
        <ul class="doc-list">
          {store.documents.map((doc) => (
            <DocumentRow key={doc.id} doc={doc} />
          ))}
        </ul>
      </div>
    </section>
  );
}

function DocumentRow({ doc }: { doc: DocumentSummary }) {
  const meta = [
    doc.pageCount ? `${doc.pageCount} page${doc.pageCount === 1 ? '' : 's'}` : null,
    formatBytes(doc.sizeBytes),
    `uploaded ${formatRelative(doc.createdAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <li class="doc-row">
      <a class="doc-link" href={documentHref(doc.id)}>
        <Thumb doc={doc} />
        <div class="doc-main">
          <p class="doc-name">{doc.name}</p>
          <p class="doc-meta">{meta}</p>
          {doc.status === 'failed' && doc.error && <p class="doc-error">{doc.error.message}</p>}
        </div>
        <StatusBadge doc={doc} />
      </a>
    </li>
  );
}
