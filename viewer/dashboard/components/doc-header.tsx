// A document's thumbnail (or a page icon) and its conversion status.

import { useState } from 'preact/hooks';
import type { DocumentSummary } from '../api.ts';
import { Icon } from './icon.tsx';

export function Thumb({ doc, size = 'sm' }: { doc: Pick<DocumentSummary, 'thumbnailUrl'>; size?: 'sm' | 'lg' }) {
  const [broken, setBroken] = useState(false);
  return (
    <div class={`thumb thumb-${size}`}>
      {doc.thumbnailUrl && !broken ? (
        <img src={doc.thumbnailUrl} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
      ) : (
        <Icon name="doc" class="icon thumb-icon" />
      )}
    </div>
  );
}

export function StatusBadge({ doc }: { doc: Pick<DocumentSummary, 'status' | 'error'> }) {
  if (doc.status === 'ready') return <span class="badge badge-success">Ready</span>;
  if (doc.status === 'failed')
    return (
      <span class="badge badge-danger" title={doc.error?.message ?? ''}>
        Failed
      </span>
    );
  return (
    <span class="badge badge-progress">
      <span class="spinner" aria-hidden="true" />
      Converting
    </span>
  );
}
