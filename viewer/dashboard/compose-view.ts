// The compose page: To, Cc, Bcc, subject, a body with basic formatting, attachments (drop or choose) each with a
// track switch, links to documents already uploaded (each recipient gets its own link, as for an attached file),
// sent with upload progress through the same rewrite and upstream as mail from a client.

import { ApiError, CSRF_HEADER, endpoints } from './api.ts';
import { h, icon, render } from './dom.ts';
import { formatBytes } from './format.ts';

interface Picked {
  file: File;
  track: HTMLInputElement;
}

function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input);
}

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
      else
        reject(
          new ApiError(
            xhr.status,
            body?.error?.code ?? 'send_failed',
            body?.error?.message ?? `Sending failed (${xhr.status}).`,
          ),
        );
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'The message could not be sent. Check your connection.')),
    );
    xhr.send(form);
  });
}

export function renderCompose(root: HTMLElement): () => void {
  const to = h('input', {
    type: 'text',
    name: 'to',
    autocomplete: 'email',
    placeholder: 'ana@example.org, ben@example.org',
    required: true,
  });
  const cc = h('input', { type: 'text', name: 'cc' });
  const bcc = h('input', { type: 'text', name: 'bcc' });
  const subject = h('input', { type: 'text', name: 'subject' });
  const body = h('div', {
    class: 'compose-body',
    contenteditable: 'true',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-label': 'Message',
  });
  const tools = h('div', { class: 'compose-tools', role: 'toolbar', 'aria-label': 'Formatting' });
  for (const [cmd, label] of [
    ['bold', 'B'],
    ['italic', 'I'],
    ['insertUnorderedList', '• List'],
  ] as const) {
    const b = h('button', { type: 'button', class: `btn btn-ghost btn-sm tool-${cmd}`, title: cmd }, label);
    b.addEventListener('click', () => {
      body.focus();
      document.execCommand(cmd);
    });
    tools.append(b);
  }
  const picked: Picked[] = [];
  const files = h('ul', { class: 'compose-files' });
  const input = h('input', { type: 'file', multiple: true, class: 'visually-hidden', id: 'compose-files' });
  const drop = h(
    'label',
    { class: 'dropzone dropzone-sm', for: 'compose-files' },
    icon('upload'),
    h('span', null, 'Drop files to attach, or ', h('span', { class: 'link-like' }, 'choose')),
    input,
  );
  const add = (list: Iterable<File>) => {
    for (const file of list) {
      const track = h('input', {
        type: 'checkbox',
        checked: true,
        class: 'track-switch',
        'aria-label': `Track ${file.name}`,
      });
      const item: Picked = { file, track };
      const remove = h(
        'button',
        { type: 'button', class: 'btn btn-ghost btn-sm', title: 'Remove', 'aria-label': `Remove ${file.name}` },
        icon('trash'),
      );
      const row = h(
        'li',
        { class: 'compose-file' },
        icon('doc'),
        h('span', { class: 'upload-name' }, file.name),
        h('span', { class: 'upload-size' }, formatBytes(file.size)),
        h(
          'label',
          { class: 'switch', title: 'Tracked: sent as a link to the viewer. Off: attached as is.' },
          track,
          h('span', null, 'Track'),
        ),
        remove,
      );
      remove.addEventListener('click', () => {
        picked.splice(picked.indexOf(item), 1);
        row.remove();
      });
      picked.push(item);
      files.append(row);
    }
  };
  input.addEventListener('change', () => {
    add(input.files ?? []);
    input.value = '';
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('is-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('is-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('is-over');
    add(e.dataTransfer?.files ?? []);
  });
  // Documents already uploaded: pick a ready one and insert a link to it (sent as ids; the server checks them).
  const linkedIds: string[] = [];
  const docSelect = h(
    'select',
    { class: 'compose-doc-select', 'aria-label': 'Document to link' },
    h('option', { value: '' }, 'Insert a link to an uploaded document...'),
  );
  const insertDoc = h('button', { type: 'button', class: 'btn btn-ghost btn-sm compose-doc-insert' }, 'Insert link');
  const linkDocs = h('div', { class: 'compose-link-docs', hidden: true }, docSelect, insertDoc);
  endpoints
    .documents()
    .then(({ documents }) => {
      for (const doc of documents.filter((x) => x.status === 'ready'))
        docSelect.append(h('option', { value: doc.id }, doc.name));
      linkDocs.hidden = docSelect.options.length < 2;
    })
    .catch(() => {});
  insertDoc.addEventListener('click', () => {
    const option = docSelect.selectedOptions[0];
    if (!option?.value || linkedIds.includes(option.value)) return;
    const id = option.value;
    const remove = h(
      'button',
      { type: 'button', class: 'btn btn-ghost btn-sm', title: 'Remove', 'aria-label': `Remove ${option.text}` },
      icon('trash'),
    );
    const row = h(
      'li',
      { class: 'compose-file compose-linked-doc' },
      icon('link'),
      h('span', { class: 'upload-name' }, option.text),
      h('span', { class: 'upload-size' }, 'Link'),
      remove,
    );
    remove.addEventListener('click', () => {
      linkedIds.splice(linkedIds.indexOf(id), 1);
      row.remove();
    });
    linkedIds.push(id);
    files.append(row);
    docSelect.value = '';
  });
  const bar = h('span', { class: 'bar-fill' });
  const progress = h('span', { class: 'bar', hidden: true }, bar);
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const send = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('mail'), 'Send');
  const form = h(
    'form',
    { class: 'card compose-form', novalidate: true },
    field('To', to),
    field('Cc', cc),
    field('Bcc', bcc),
    field('Subject', subject),
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'Message'), tools, body),
    drop,
    linkDocs,
    files,
    error,
    h('div', { class: 'compose-actions' }, progress, send),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const data = new FormData();
    data.append('to', to.value);
    data.append('cc', cc.value);
    data.append('bcc', bcc.value);
    data.append('subject', subject.value);
    data.append('text', body.innerText);
    // Reading the editor's markup (never writing markup into the page): the sender's own formatting.
    data.append('html', body.innerHTML);
    data.append('untracked', picked.flatMap((p, i) => (p.track.checked ? [] : [String(i)])).join(','));
    data.append('documents', linkedIds.join(','));
    for (const p of picked) data.append('files', p.file, p.file.name);
    send.disabled = true;
    progress.hidden = false;
    try {
      await sendForm(data, (f) => (bar.style.width = `${Math.round(f * 100)}%`));
      location.hash = '#/sent';
    } catch (err) {
      error.textContent = (err as Error).message;
      error.hidden = false;
    } finally {
      send.disabled = false;
      progress.hidden = true;
    }
  });
  render(
    root,
    h(
      'section',
      { class: 'page' },
      h('div', { class: 'page-header' }, h('h1', { class: 'page-title' }, 'Compose')),
      form,
    ),
  );
  return () => {};
}
