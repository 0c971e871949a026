// The access settings of the link form: passcode, email verification, allow and deny lists, view limit, watermark,
// starting from the sender's defaults, with a button that saves the current choice as those defaults.

import { useState } from 'preact/hooks';
import { endpoints, type LinkDefaultsJson, type LinkInput } from '../api.ts';

/** The form's values as typed (lists and the view limit are text until the link is made). */
export interface AccessChoice {
  /** The form's download checkbox is part of the defaults too. */
  allowDownload: boolean;
  requireEmail: boolean;
  watermark: boolean;
  allow: string;
  deny: string;
  maxViews: string;
  passcode: string;
}

export const NO_DEFAULTS: LinkDefaultsJson = {
  allowDownload: false,
  requireEmail: false,
  allow: [],
  deny: [],
  maxViews: null,
  watermark: false,
};

const entries = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);

export function choiceFrom(d: LinkDefaultsJson): AccessChoice {
  return {
    allowDownload: d.allowDownload,
    requireEmail: d.requireEmail,
    watermark: d.watermark,
    allow: d.allow.join(', '),
    deny: d.deny.join(', '),
    maxViews: d.maxViews === null ? '' : String(d.maxViews),
    passcode: '',
  };
}

function defaultsOf(c: AccessChoice): LinkDefaultsJson {
  return {
    allowDownload: c.allowDownload,
    requireEmail: c.requireEmail,
    allow: entries(c.allow),
    deny: entries(c.deny),
    maxViews: c.maxViews ? Number(c.maxViews) : null,
    watermark: c.watermark,
  };
}

export function linkInputOf(c: AccessChoice): LinkInput {
  const input: LinkInput = defaultsOf(c);
  if (c.passcode) input.passcode = c.passcode;
  return input;
}

interface Props {
  choice: AccessChoice;
  onChange(change: Partial<AccessChoice>): void;
  /** The defaults were saved (as the server stored them). */
  onSaved(defaults: LinkDefaultsJson): void;
}

export function AccessFields({ choice, onChange, onSaved }: Props) {
  const [note, setNote] = useState('');
  const save = async () => {
    try {
      onSaved(await endpoints.saveLinkDefaults(defaultsOf(choice)));
      setNote('Saved: new links start with these settings.');
    } catch (err) {
      setNote(err instanceof Error ? err.message : String(err));
    }
  };
  const text = (id: string, label: string, key: 'passcode' | 'maxViews' | 'allow' | 'deny', extra: object) => (
    <label class="field" for={id}>
      <span class="field-label">{label}</span>
      <input id={id} value={choice[key]} onInput={(e) => onChange({ [key]: e.currentTarget.value })} {...extra} />
    </label>
  );
  const check = (id: string, label: string, key: 'requireEmail' | 'watermark') => (
    <label class="check" for={id}>
      <input
        type="checkbox"
        id={id}
        checked={choice[key]}
        onChange={(e) => onChange({ [key]: e.currentTarget.checked })}
      />
      <span>{label}</span>
    </label>
  );
  return (
    <details class="link-access">
      <summary>Access settings</summary>
      <div class="link-access-grid">
        {text('link-passcode', 'Passcode', 'passcode', {
          type: 'text',
          autocomplete: 'off',
          maxLength: 128,
          placeholder: 'none',
        })}
        {text('link-max-views', 'View limit', 'maxViews', { type: 'number', min: 1, placeholder: 'no limit' })}
        {text('link-allow', 'Only these addresses or domains', 'allow', {
          type: 'text',
          placeholder: 'example.com, ana@partner.org',
        })}
        {text('link-deny', 'Never these addresses or domains', 'deny', { type: 'text', placeholder: 'rival.com' })}
        {check('link-require-email', 'Ask for a verified email', 'requireEmail')}
        {check('link-watermark', 'Watermark with who, when, where', 'watermark')}
      </div>
      <p class="field-note">
        Download off: the link hands out no file, and the reader fetches pages only while a visit is open. It cannot
        stop someone who is reading from taking screenshots or saving what their browser received; the watermark marks
        whatever leaks with their name.
      </p>
      <button type="button" class="btn btn-ghost btn-sm" onClick={() => void save()}>
        Save as my defaults
      </button>
      <p class="field-note">{note}</p>
    </details>
  );
}
