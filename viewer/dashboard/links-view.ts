// Per-recipient links of one document: create (recipient, allow download, access settings), copy, revoke.

import { endpoints, type ShareLink } from './api.ts';
import { h, icon, render } from './dom.ts';
import { formatRelative } from './format.ts';
import { accessFields } from './link-access-fields.ts';

function linkState(link: ShareLink): { label: string; cls: string } {
  if (link.revokedAt) return { label: 'Revoked', cls: 'badge-muted' };
  if (link.expiresAt && Date.parse(link.expiresAt) <= Date.now()) return { label: 'Expired', cls: 'badge-muted' };
  return { label: 'Active', cls: 'badge-success' };
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function renderLinks(root: HTMLElement, documentId: string, canShare: boolean): void {
  const recipient = h('input', {
    type: 'email',
    id: 'link-recipient',
    placeholder: 'recipient@company.com',
    autocomplete: 'off',
  });
  const allowDownload = h('input', { type: 'checkbox', id: 'link-download' });
  const access = accessFields(allowDownload);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('link'), 'Create link');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const list = h('ul', { class: 'link-list' });
  const empty = h('p', { class: 'empty-note' }, 'No links yet. Create one for each person you send this document to.');
  let links: ShareLink[] = [];

  const paint = () => {
    empty.hidden = links.length > 0;
    render(list, ...links.map(row));
  };

  const row = (link: ShareLink): HTMLLIElement => {
    const state = linkState(link);
    const live = state.label === 'Active';
    const copy = h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', title: 'Copy link' },
      icon('copy'),
      'Copy',
    );
    copy.addEventListener('click', async () => {
      const ok = await copyText(link.url);
      render(copy, icon(ok ? 'check' : 'copy'), ok ? 'Copied' : 'Press Ctrl+C');
      if (!ok) urlField.select();
      setTimeout(() => render(copy, icon('copy'), 'Copy'), 2000);
    });
    const revoke = h('button', { type: 'button', class: 'btn btn-ghost btn-sm btn-danger-text' }, 'Revoke');
    revoke.addEventListener('click', async () => {
      if (
        !confirm(
          `Revoke the link for ${link.recipient ?? 'this recipient'}? Anyone reading through it is disconnected.`,
        )
      )
        return;
      revoke.disabled = true;
      try {
        await endpoints.revokeLink(link.id);
        links = links.map((l) => (l.id === link.id ? { ...l, revokedAt: new Date().toISOString() } : l));
        paint();
      } catch (err) {
        revoke.disabled = false;
        showError(err);
      }
    });
    const urlField = h('input', {
      class: 'link-url',
      type: 'text',
      readonly: true,
      value: link.url,
      'aria-label': 'Link',
    });
    urlField.addEventListener('focus', () => urlField.select());
    const notify = h('input', { type: 'checkbox', id: `notify-${link.id}`, checked: link.notify });
    notify.addEventListener('change', async () => {
      try {
        await endpoints.setLinkNotifications(link.id, notify.checked);
        links = links.map((l) => (l.id === link.id ? { ...l, notify: notify.checked } : l));
      } catch (err) {
        notify.checked = !notify.checked;
        showError(err);
      }
    });
    const notifyLabel = h(
      'label',
      { class: 'check link-notify', for: `notify-${link.id}`, title: 'Email me about this link' },
      notify,
      h('span', null, 'Email me'),
    );
    const details = [
      `created ${formatRelative(link.createdAt)}`,
      link.allowDownload ? 'download allowed' : 'view only',
    ];
    if (link.expiresAt && live) details.push(`expires ${new Date(link.expiresAt).toLocaleDateString()}`);
    if (link.hasPasscode) details.push('passcode');
    if (link.requireEmail || link.allow.length || link.deny.length) details.push('verified email');
    if (link.maxViews !== null) details.push(`up to ${link.maxViews} views`);
    if (link.watermark) details.push('watermark');
    return h(
      'li',
      { class: `link-row${live ? '' : ' is-dead'}` },
      h(
        'div',
        { class: 'link-main' },
        h(
          'p',
          { class: 'link-recipient' },
          h('bdi', null, link.recipient || 'Anyone with the link'),
          ' ',
          h('span', { class: `badge ${state.cls}` }, state.label),
        ),
        h('p', { class: 'link-meta' }, details.join(' · ')),
        live ? urlField : null,
      ),
      live ? h('div', { class: 'link-actions' }, notifyLabel, copy, revoke) : null,
    );
  };

  const showError = (err: unknown) => {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
  };

  const form = h(
    'form',
    { class: 'link-form' },
    h(
      'label',
      { class: 'field field-grow', for: 'link-recipient' },
      h('span', { class: 'field-label' }, 'Recipient email'),
      recipient,
    ),
    h('label', { class: 'check', for: 'link-download' }, allowDownload, h('span', null, 'Allow download')),
    submit,
    access.element,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const input = access.read(allowDownload.checked);
      if (recipient.value.trim()) input.recipient = recipient.value.trim();
      const link = await endpoints.createLink(documentId, input);
      links = [link, ...links];
      paint();
      recipient.value = '';
      access.reset();
      const copied = await copyText(link.url);
      list.querySelector('.link-row')?.classList.add(copied ? 'is-copied' : 'is-new');
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });

  render(
    root,
    canShare ? form : h('p', { class: 'empty-note' }, 'Links can be created once the document is ready.'),
    error,
    empty,
    list,
  );
  endpoints
    .links(documentId)
    .then((res) => {
      links = [...res.links].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      paint();
    })
    .catch(showError);
}
