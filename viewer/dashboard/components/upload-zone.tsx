// The drop zone (or file picker) and the uploads in progress, each with its bar, or its error and a Dismiss button.

import { useState } from 'preact/hooks';
import { formatBytes } from '../format.ts';
import type { UploadItem, Uploads } from '../hooks/use-uploads.ts';
import { Icon } from './icon.tsx';

const ACCEPT = '.pdf,.doc,.docx,.odt,.rtf,.ppt,.pptx,.odp,application/pdf';

export function UploadZone({ uploads }: { uploads: Uploads }) {
  const [over, setOver] = useState(false);
  return (
    <>
      <label
        class={`dropzone${over ? ' is-over' : ''}`}
        for="file-input"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          if (event.dataTransfer?.files.length) uploads.start([...event.dataTransfer.files]);
        }}
      >
        <span class="dropzone-icon">
          <Icon name="upload" />
        </span>
        <span class="dropzone-title">
          Drop a file here, or <span class="link-like">choose one</span>
        </span>
        <span class="dropzone-hint">PDF, Word or PowerPoint</span>
        <input
          type="file"
          accept={ACCEPT}
          class="visually-hidden"
          id="file-input"
          multiple
          onChange={(event) => {
            const input = event.currentTarget;
            if (input.files) uploads.start([...input.files]);
            input.value = '';
          }}
        />
      </label>
      <ul class="upload-list">
        {uploads.items.map((item) => (
          <UploadRow key={item.key} item={item} onDismiss={() => uploads.dismiss(item.key)} />
        ))}
      </ul>
    </>
  );
}

function UploadRow({ item, onDismiss }: { item: UploadItem; onDismiss: () => void }) {
  const percent = Math.round(item.fraction * 100);
  return (
    <li class={`upload-item${item.error ? ' is-error' : ''}`}>
      <span class="upload-name">{item.name}</span>
      <span class="upload-size">{formatBytes(item.size)}</span>
      <span class="bar">
        <span class="bar-fill" style={{ '--value': `${percent}%` }} />
      </span>
      <span class="upload-percent">{item.error ?? (item.fraction >= 1 ? 'Processing…' : `${percent}%`)}</span>
      {item.error && (
        <button type="button" class="btn btn-ghost btn-sm" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </li>
  );
}
