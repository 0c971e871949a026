// Per-recipient links of one document: the form that makes one (recipient, allow download, access settings),
// then the list, newest first. A new link is copied to the clipboard at once.

import { useEffect, useState } from 'preact/hooks';
import { endpoints, type LinkDefaultsJson, type ShareLink } from '../api.ts';
import { AccessFields, choiceFrom, linkInputOf, NO_DEFAULTS, type AccessChoice } from './link-access-fields.tsx';
import { copyText, LinkRow } from './link-row.tsx';
import { Icon } from './icon.tsx';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function LinksPanel({ documentId, canShare }: { documentId: string; canShare: boolean }) {
  const [links, setLinks] = useState<ShareLink[] | null>(null);
  const [fresh, setFresh] = useState<{ id: string; cls: 'is-copied' | 'is-new' } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    endpoints.links(documentId).then(
      (res) => current && setLinks([...res.links].sort((a, b) => b.createdAt.localeCompare(a.createdAt))),
      (err: unknown) => current && setError(message(err)),
    );
    return () => {
      current = false;
    };
  }, [documentId]);

  const created = async (link: ShareLink) => {
    setLinks((list) => [link, ...(list ?? [])]);
    const copied = await copyText(link.url);
    setFresh({ id: link.id, cls: copied ? 'is-copied' : 'is-new' });
  };
  const changed = (link: ShareLink) => setLinks((list) => list?.map((l) => (l.id === link.id ? link : l)) ?? null);
  const showError = (err: unknown) => setError(message(err));

  return (
    <>
      {canShare ? (
        <LinkForm documentId={documentId} onCreated={created} onError={setError} />
      ) : (
        <p class="empty-note">Links can be created once the document is ready.</p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {links?.length === 0 && (
        <p class="empty-note">No links yet. Create one for each person you send this document to.</p>
      )}
      <ul class="link-list">
        {links?.map((link) => (
          <LinkRow
            key={link.id}
            link={link}
            fresh={fresh?.id === link.id ? fresh.cls : null}
            onChange={changed}
            onError={showError}
          />
        ))}
      </ul>
    </>
  );
}

interface FormProps {
  documentId: string;
  onCreated(link: ShareLink): Promise<void>;
  /** null clears the error shown. */
  onError(message: string | null): void;
}

function LinkForm({ documentId, onCreated, onError }: FormProps) {
  const [recipient, setRecipient] = useState('');
  const [defaults, setDefaults] = useState<LinkDefaultsJson | null>(null);
  const [choice, setChoice] = useState<AccessChoice>(() => choiceFrom(NO_DEFAULTS));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    endpoints.linkDefaults().then(
      (d) => {
        if (!current) return;
        setDefaults(d);
        setChoice(choiceFrom(d));
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);

  const change = (part: Partial<AccessChoice>) => setChoice((c) => ({ ...c, ...part }));
  const submit = async (event: Event) => {
    event.preventDefault();
    onError(null);
    setBusy(true);
    try {
      const input = linkInputOf(choice);
      if (recipient.trim()) input.recipient = recipient.trim();
      const link = await endpoints.createLink(documentId, input);
      setRecipient('');
      if (defaults) setChoice(choiceFrom(defaults));
      await onCreated(link);
    } catch (err) {
      onError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="link-form" onSubmit={(e) => void submit(e)}>
      <label class="field field-grow" for="link-recipient">
        <span class="field-label">Recipient email</span>
        <input
          type="email"
          id="link-recipient"
          placeholder="recipient@company.com"
          autocomplete="off"
          value={recipient}
          onInput={(e) => setRecipient(e.currentTarget.value)}
        />
      </label>
      <label class="check" for="link-download">
        <input
          type="checkbox"
          id="link-download"
          checked={choice.allowDownload}
          onChange={(e) => change({ allowDownload: e.currentTarget.checked })}
        />
        <span>Allow download</span>
      </label>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        <Icon name="link" />
        Create link
      </button>
      <AccessFields
        choice={choice}
        onChange={change}
        onSaved={(d) => {
          setDefaults(d);
          setChoice((c) => ({ ...choiceFrom(d), passcode: c.passcode }));
        }}
      />
    </form>
  );
}
