// The access settings of the link form: passcode, email verification, allow and deny lists, view limit, watermark,
// with the sender's defaults filled in and a button that saves the current choice as those defaults.

import type { LinkDefaultsJson } from '../../server/api-types.ts';
import { endpoints, type LinkInput } from './api.ts';
import { h } from './dom.ts';

const entries = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);

export interface AccessFields {
  element: HTMLElement;
  /** The form's download checkbox is part of the defaults too. */
  read(allowDownload: boolean): LinkInput;
  /** Back to the defaults after a link was made. */
  reset(): void;
}

export function accessFields(allowDownload: HTMLInputElement): AccessFields {
  const passcode = h('input', {
    type: 'text',
    id: 'link-passcode',
    autocomplete: 'off',
    maxlength: '128',
    placeholder: 'none',
  });
  const requireEmail = h('input', { type: 'checkbox', id: 'link-require-email' });
  const watermark = h('input', { type: 'checkbox', id: 'link-watermark' });
  const allow = h('input', { type: 'text', id: 'link-allow', placeholder: 'example.com, ana@partner.org' });
  const deny = h('input', { type: 'text', id: 'link-deny', placeholder: 'rival.com' });
  const maxViews = h('input', { type: 'number', id: 'link-max-views', min: '1', placeholder: 'no limit' });
  const saveDefaults = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Save as my defaults');
  const note = h('p', { class: 'field-note' });
  let defaults: LinkDefaultsJson | null = null;

  const fill = (d: LinkDefaultsJson) => {
    defaults = d;
    allowDownload.checked = d.allowDownload;
    requireEmail.checked = d.requireEmail;
    watermark.checked = d.watermark;
    allow.value = d.allow.join(', ');
    deny.value = d.deny.join(', ');
    maxViews.value = d.maxViews === null ? '' : String(d.maxViews);
    passcode.value = '';
  };
  const current = (download: boolean): LinkDefaultsJson => ({
    allowDownload: download,
    requireEmail: requireEmail.checked,
    allow: entries(allow.value),
    deny: entries(deny.value),
    maxViews: maxViews.value ? Number(maxViews.value) : null,
    watermark: watermark.checked,
  });
  saveDefaults.addEventListener('click', async () => {
    try {
      fill(await endpoints.saveLinkDefaults(current(allowDownload.checked)));
      note.textContent = 'Saved: new links start with these settings.';
    } catch (err) {
      note.textContent = err instanceof Error ? err.message : String(err);
    }
  });
  endpoints
    .linkDefaults()
    .then(fill)
    .catch(() => undefined);

  const check = (input: HTMLInputElement, text: string) =>
    h('label', { class: 'check', for: input.id }, input, h('span', null, text));
  const field = (input: HTMLInputElement, text: string) =>
    h('label', { class: 'field', for: input.id }, h('span', { class: 'field-label' }, text), input);
  const element = h(
    'details',
    { class: 'link-access' },
    h('summary', null, 'Access settings'),
    h(
      'div',
      { class: 'link-access-grid' },
      field(passcode, 'Passcode'),
      field(maxViews, 'View limit'),
      field(allow, 'Only these addresses or domains'),
      field(deny, 'Never these addresses or domains'),
      check(requireEmail, 'Ask for a verified email'),
      check(watermark, 'Watermark with who, when, where'),
    ),
    h(
      'p',
      { class: 'field-note' },
      'Download off: the link hands out no file, and the reader fetches pages only while a visit is open. It cannot ' +
        'stop someone who is reading from taking screenshots or saving what their browser received; the watermark ' +
        'marks whatever leaks with their name.',
    ),
    saveDefaults,
    note,
  );
  return {
    element,
    read(download) {
      const input: LinkInput = current(download);
      if (passcode.value) input.passcode = passcode.value;
      return input;
    },
    reset: () => defaults && fill(defaults),
  };
}
