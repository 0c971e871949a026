// The mailbox settings page: the IMAP account Pagetrail watches for replies (host, port, security, user, password,
// folder) and its connection status (connected, or the error, and when it was last checked), refreshed while open.
// The password field is always empty: the server never sends it back.

import { useEffect, useState } from 'preact/hooks';
import type { MailboxJson } from '../../../server/api-types.ts';
import { ApiError, endpoints } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { Field } from '../components/field.tsx';
import { formatRelative } from '../format.ts';
import { useApi } from '../hooks/use-api.ts';
import { useInterval } from '../hooks/use-interval.ts';

const REFRESH_MS = 5000;
const SAVED = 'Saved. Connecting…';

interface Form {
  host: string;
  port: string;
  security: MailboxJson['security'];
  user: string;
  password: string;
  folder: string;
}

const EMPTY: Form = { host: '', port: '', security: 'tls', user: '', password: '', folder: 'INBOX' };

/** The mailbox, or null when none is set up (the API answers 404). */
async function loadMailbox(): Promise<MailboxJson | null> {
  try {
    return await endpoints.mailbox();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

function StatusLine({ mailbox: m }: { mailbox: MailboxJson | null }) {
  if (!m) return <p class="mailbox-status">No mailbox yet: replies arrive only through POST /api/inbound.</p>;
  const s = m.status;
  const [tone, label] =
    s.state === 'connected'
      ? (['success', 'Connected'] as const)
      : s.state === 'error'
        ? (['danger', 'Error'] as const)
        : (['progress', 'Connecting'] as const);
  return (
    <p class="mailbox-status" data-state={s.state}>
      <Badge tone={tone}>{label}</Badge>{' '}
      {s.state === 'error' && s.message && <span class="mailbox-error">{s.message}</span>}
      {s.lastCheckedAt ? ` · last checked ${formatRelative(s.lastCheckedAt)}` : ''}
    </p>
  );
}

export function MailboxPage() {
  const loaded = useApi(loadMailbox, 'mailbox');
  useInterval(loaded.reload, REFRESH_MS);
  // The latest answer, from polling or from a save (a save reloads, so an older poll's answer is dropped).
  const [mailbox, setMailbox] = useState<MailboxJson | null | undefined>(undefined);
  const [form, setForm] = useState<Form>(EMPTY);
  const [filled, setFilled] = useState(false);
  const [note, setNote] = useState('');

  useEffect(() => {
    if (!loaded.loading && !loaded.error) setMailbox(loaded.data);
  }, [loaded.data, loaded.loading, loaded.error]);
  useEffect(() => {
    if (loaded.error) setNote(loaded.error);
  }, [loaded.error]);
  useEffect(() => {
    if (mailbox?.status.state === 'connected') setNote((n) => (n === SAVED ? '' : n));
    if (mailbox && !filled) {
      setFilled(true);
      const { host, port, security, user, folder } = mailbox;
      setForm({ host, port: String(port), security, user, password: '', folder });
    }
  }, [mailbox, filled]);

  const set = (key: keyof Form) => (e: { currentTarget: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.currentTarget.value }));
  const save = async (e: Event) => {
    e.preventDefault();
    setNote('');
    try {
      const m = await endpoints.saveMailbox({
        host: form.host.trim(),
        ...(form.port ? { port: Number(form.port) } : {}),
        security: form.security,
        user: form.user.trim(),
        ...(form.password ? { password: form.password } : {}),
        folder: form.folder.trim() || 'INBOX',
      });
      setForm((f) => ({ ...f, password: '' }));
      setNote(SAVED);
      setMailbox(m);
      loaded.reload();
    } catch (err) {
      setNote((err as Error).message);
    }
  };
  const remove = async () => {
    try {
      await endpoints.deleteMailbox();
      setFilled(false);
      setForm(EMPTY);
      setNote('The mailbox is no longer watched.');
      setMailbox(null);
      loaded.reload();
    } catch (err) {
      setNote((err as Error).message);
    }
  };

  return (
    <section class="page">
      <div class="page-header">
        <h1 class="page-title">Replies mailbox</h1>
      </div>
      <div class="mailbox-status-box">{mailbox !== undefined && <StatusLine mailbox={mailbox} />}</div>
      <form class="card mailbox-form" onSubmit={save}>
        <Field label="IMAP server">
          <input
            type="text"
            name="host"
            placeholder="imap.example.org"
            required
            value={form.host}
            onInput={set('host')}
          />
        </Field>
        <Field label="Port">
          <input
            type="number"
            name="port"
            min={1}
            max={65535}
            placeholder="993"
            value={form.port}
            onInput={set('port')}
          />
        </Field>
        <Field label="Security">
          <select name="security" value={form.security} onChange={set('security')}>
            <option value="tls">TLS (993)</option>
            <option value="starttls">STARTTLS (143)</option>
            <option value="off">None (local network only)</option>
          </select>
        </Field>
        <Field label="User name">
          <input type="text" name="user" autocomplete="username" required value={form.user} onInput={set('user')} />
        </Field>
        <Field label="Password">
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            placeholder={mailbox?.passwordSet ? 'unchanged' : ''}
            value={form.password}
            onInput={set('password')}
          />
        </Field>
        <Field label="Folder">
          <input type="text" name="folder" value={form.folder} onInput={set('folder')} />
        </Field>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary">
            Save
          </button>
          {mailbox && (
            <button type="button" class="btn btn-secondary" onClick={remove}>
              Stop watching
            </button>
          )}
        </div>
        <p class="form-note" role="status">
          {note}
        </p>
      </form>
    </section>
  );
}
