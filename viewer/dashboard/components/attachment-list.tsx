// The compose page's attachments: files picked or dropped (each with a track switch) and links to documents
// already uploaded, each removable.

import { formatBytes } from '../format.ts';
import { Icon } from './icon.tsx';

export interface PickedFile {
  key: number;
  file: File;
  track: boolean;
}

export interface LinkedDoc {
  id: string;
  name: string;
}

function RemoveButton({ name, onClick }: { name: string; onClick: () => void }) {
  return (
    <button type="button" class="btn btn-ghost btn-sm" title="Remove" aria-label={`Remove ${name}`} onClick={onClick}>
      <Icon name="trash" />
    </button>
  );
}

export function AttachmentList(props: {
  files: PickedFile[];
  docs: LinkedDoc[];
  onTrack: (key: number, on: boolean) => void;
  onRemoveFile: (key: number) => void;
  onRemoveDoc: (id: string) => void;
}) {
  return (
    <ul class="compose-files">
      {props.files.map((p) => (
        <li key={p.key} class="compose-file">
          <Icon name="doc" />
          <span class="upload-name">{p.file.name}</span>
          <span class="upload-size">{formatBytes(p.file.size)}</span>
          <label class="switch" title="Tracked: sent as a link to the viewer. Off: attached as is.">
            <input
              type="checkbox"
              class="track-switch"
              aria-label={`Track ${p.file.name}`}
              checked={p.track}
              onChange={(e) => props.onTrack(p.key, e.currentTarget.checked)}
            />
            <span>Track</span>
          </label>
          <RemoveButton name={p.file.name} onClick={() => props.onRemoveFile(p.key)} />
        </li>
      ))}
      {props.docs.map((d) => (
        <li key={d.id} class="compose-file compose-linked-doc">
          <Icon name="link" />
          <span class="upload-name">{d.name}</span>
          <span class="upload-size">Link</span>
          <RemoveButton name={d.name} onClick={() => props.onRemoveDoc(d.id)} />
        </li>
      ))}
    </ul>
  );
}
