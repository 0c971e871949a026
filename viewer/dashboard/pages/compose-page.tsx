// The compose page: To, Cc, Bcc, subject, a body with basic formatting, attachments (drop or choose) each with a
// track switch, links to documents already uploaded (each recipient gets its own link, as for an attached file),
// sent with upload progress through the same rewrite and upstream as mail from a client.

import { useRef, useState } from 'preact/hooks';
import { ApiError, CSRF_HEADER, endpoints } from '../api.ts';
import { AttachmentList, type LinkedDoc, type PickedFile } from '../components/attachment-list.tsx';
import { Field } from '../components/field.tsx';
import { Icon } from '../components/icon.tsx';
import { editorHtml } from '../compose-html.ts';
import { useApi } from '../hooks/use-api.ts';

const TOOLS = [
  ['bold', 'B'],
  ['italic', 'I'],
  ['insertUnorderedList', '• List'],
] as const;

function sendForm(form: FormData, onProgress: (f: number) => void): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/messages/compose');
    for (const [name, value] of Object.entries(CSRF_HEADER)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => e.lengthComputable && e.total > 0 && onProgress(e.loaded / e.total));
    xhr.addEventListener('load', () => {
      const body = xhr.response as { id?: string; error?: { code: string; message: string } } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.id) resolve({ id: body.id });
      else {
        const message = body?.error?.message ?? `Sending failed (${xhr.status}).`;
        reject(new ApiError(xhr.status, body?.error?.code ?? 'send_failed', message));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'The message could not be sent. Check your connection.')),
    );
    xhr.send(form);
  });
}

/** The documents a message can link: the sender's ready ones (the server checks the ids again). */
function useReadyDocuments(): LinkedDoc[] {
  const docs = useApi(() => endpoints.documents(), 'documents');
  return (docs.data?.documents ?? []).filter((d) => d.status === 'ready').map((d) => ({ id: d.id, name: d.name }));
}

export function ComposePage({ onSent = () => (location.hash = '#/sent') }: { onSent?: (id: string) => void }) {
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [subject, setSubject] = useState('');
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [linked, setLinked] = useState<LinkedDoc[]>([]);
  const [choice, setChoice] = useState('');
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const body = useRef<HTMLDivElement>(null);
  const nextKey = useRef(0);
  const ready = useReadyDocuments();

  const add = (list: Iterable<File>) => {
    const added = [...list].map((file) => ({ key: nextKey.current++, file, track: true }));
    setFiles((now) => [...now, ...added]);
  };
  const insertDoc = () => {
    const doc = ready.find((d) => d.id === choice);
    if (doc && !linked.some((d) => d.id === doc.id)) setLinked((now) => [...now, doc]);
    setChoice('');
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const data = new FormData();
    data.append('to', to);
    data.append('cc', cc);
    data.append('bcc', bcc);
    data.append('subject', subject);
    data.append('text', body.current?.innerText ?? '');
    data.append('html', body.current ? editorHtml(body.current) : '');
    data.append('untracked', files.flatMap((p, i) => (p.track ? [] : [String(i)])).join(','));
    data.append('documents', linked.map((d) => d.id).join(','));
    for (const p of files) data.append('files', p.file, p.file.name);
    setProgress(0);
    try {
      const { id } = await sendForm(data, setProgress);
      onSent(id);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  return (
    <section class="page">
      <div class="page-header">
        <h1 class="page-title">Compose</h1>
      </div>
      <form class="card compose-form" noValidate onSubmit={submit}>
        <Field label="To">
          <input
            type="text"
            name="to"
            autocomplete="email"
            placeholder="ana@example.org, ben@example.org"
            required
            value={to}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </Field>
        <Field label="Cc">
          <input type="text" name="cc" value={cc} onInput={(e) => setCc(e.currentTarget.value)} />
        </Field>
        <Field label="Bcc">
          <input type="text" name="bcc" value={bcc} onInput={(e) => setBcc(e.currentTarget.value)} />
        </Field>
        <Field label="Subject">
          <input type="text" name="subject" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </Field>
        <div class="field">
          <span class="field-label">Message</span>
          <div class="compose-tools" role="toolbar" aria-label="Formatting">
            {TOOLS.map(([cmd, label]) => (
              <button
                key={cmd}
                type="button"
                class={`btn btn-ghost btn-sm tool-${cmd}`}
                title={cmd}
                onClick={() => {
                  body.current?.focus();
                  document.execCommand(cmd);
                }}
              >
                {label}
              </button>
            ))}
          </div>
          {/* The editor's content belongs to the browser: Preact renders it empty once and never touches it. */}
          <div
            ref={body}
            class="compose-body"
            contentEditable
            role="textbox"
            aria-multiline="true"
            aria-label="Message"
          />
        </div>
        <label
          class={`dropzone dropzone-sm${over ? ' is-over' : ''}`}
          for="compose-files"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            add(e.dataTransfer?.files ?? []);
          }}
        >
          <Icon name="upload" />
          <span>
            Drop files to attach, or <span class="link-like">choose</span>
          </span>
          <input
            type="file"
            multiple
            class="visually-hidden"
            id="compose-files"
            onChange={(e) => {
              add(e.currentTarget.files ?? []);
              e.currentTarget.value = '';
            }}
          />
        </label>
        {ready.length > 0 && (
          <div class="compose-link-docs">
            <select
              class="compose-doc-select"
              aria-label="Document to link"
              value={choice}
              onChange={(e) => setChoice(e.currentTarget.value)}
            >
              <option value="">Insert a link to an uploaded document...</option>
              {ready.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
            <button type="button" class="btn btn-ghost btn-sm compose-doc-insert" onClick={insertDoc}>
              Insert link
            </button>
          </div>
        )}
        <AttachmentList
          files={files}
          docs={linked}
          onTrack={(key, on) => setFiles((now) => now.map((p) => (p.key === key ? { ...p, track: on } : p)))}
          onRemoveFile={(key) => setFiles((now) => now.filter((p) => p.key !== key))}
          onRemoveDoc={(id) => setLinked((now) => now.filter((d) => d.id !== id))}
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="compose-actions">
          {progress !== null && (
            <span class="bar">
              <span class="bar-fill" style={{ width: `${Math.round(progress * 100)}%` }} />
            </span>
          )}
          <button type="submit" class="btn btn-primary" disabled={progress !== null}>
            <Icon name="mail" />
            Send
          </button>
        </div>
      </form>
    </section>
  );
}
