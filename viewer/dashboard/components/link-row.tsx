// One per-recipient link: who, its state and settings, and while it is active its URL, the email switch, Copy
// and Revoke.

import { useEffect, useRef, useState } from 'preact/hooks';
import { endpoints, type ShareLink } from '../api.ts';
import { formatRelative } from '../format.ts';
import { Icon } from './icon.tsx';

const COPIED_MS = 2000;

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function linkState(link: ShareLink): { label: string; cls: string } {
  if (link.revokedAt) return { label: 'Revoked', cls: 'badge-muted' };
  if (link.expiresAt && Date.parse(link.expiresAt) <= Date.now()) return { label: 'Expired', cls: 'badge-muted' };
  return { label: 'Active', cls: 'badge-success' };
}

function detailsOf(link: ShareLink, live: boolean): string {
  const details = [`created ${formatRelative(link.createdAt)}`, link.allowDownload ? 'download allowed' : 'view only'];
  if (link.expiresAt && live) details.push(`expires ${new Date(link.expiresAt).toLocaleDateString()}`);
  if (link.hasPasscode) details.push('passcode');
  if (link.requireEmail || link.allow.length || link.deny.length) details.push('verified email');
  if (link.maxViews !== null) details.push(`up to ${link.maxViews} views`);
  if (link.watermark) details.push('watermark');
  return details.join(' · ');
}

interface Props {
  link: ShareLink;
  /** Just made: highlighted, saying whether it was copied too. */
  fresh: 'is-copied' | 'is-new' | null;
  onChange(link: ShareLink): void;
  onError(err: unknown): void;
}

export function LinkRow({ link, fresh, onChange, onError }: Props) {
  const state = linkState(link);
  const live = state.label === 'Active';
  const url = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [revoking, setRevoking] = useState(false);

  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => setCopied(null), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    const ok = await copyText(link.url);
    setCopied(ok);
    if (!ok) url.current?.select();
  };
  const revoke = async () => {
    const who = link.recipient ?? 'this recipient';
    if (!confirm(`Revoke the link for ${who}? Anyone reading through it is disconnected.`)) return;
    setRevoking(true);
    try {
      await endpoints.revokeLink(link.id);
      onChange({ ...link, revokedAt: new Date().toISOString() });
    } catch (err) {
      onError(err);
    } finally {
      setRevoking(false);
    }
  };
  const notify = async (on: boolean) => {
    onChange({ ...link, notify: on });
    try {
      await endpoints.setLinkNotifications(link.id, on);
    } catch (err) {
      onChange({ ...link, notify: !on });
      onError(err);
    }
  };

  return (
    <li class={`link-row${live ? '' : ' is-dead'}${fresh ? ` ${fresh}` : ''}`}>
      <div class="link-main">
        <p class="link-recipient">
          <bdi>{link.recipient || 'Anyone with the link'}</bdi> <span class={`badge ${state.cls}`}>{state.label}</span>
        </p>
        <p class="link-meta">{detailsOf(link, live)}</p>
        {live && (
          <input
            ref={url}
            class="link-url"
            type="text"
            readOnly
            value={link.url}
            aria-label="Link"
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
      </div>
      {live && (
        <div class="link-actions">
          <label class="check link-notify" for={`notify-${link.id}`} title="Email me about this link">
            <input
              type="checkbox"
              id={`notify-${link.id}`}
              checked={link.notify}
              onChange={(e) => void notify(e.currentTarget.checked)}
            />
            <span>Email me</span>
          </label>
          <button type="button" class="btn btn-secondary btn-sm" title="Copy link" onClick={() => void copy()}>
            <Icon name={copied ? 'check' : 'copy'} />
            {copied === null ? 'Copy' : copied ? 'Copied' : 'Press Ctrl+C'}
          </button>
          <button
            type="button"
            class="btn btn-ghost btn-sm btn-danger-text"
            disabled={revoking}
            onClick={() => void revoke()}
          >
            Revoke
          </button>
        </div>
      )}
    </li>
  );
}
