// Small labels: a coloured badge, a muted tag, and a time shown relative to now (the exact one on hover).

import type { ComponentChildren } from 'preact';
import { formatRelative } from '../format.ts';

export type Tone = 'success' | 'progress' | 'danger' | 'warning' | 'muted';

export function Badge({ tone, title, children }: { tone: Tone; title?: string; children: ComponentChildren }) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function Tag({ children }: { children: ComponentChildren }) {
  return <span class="tag tag-muted">{children}</span>;
}

export function RelativeTime({ at, exact = true }: { at: string; exact?: boolean }) {
  return (
    <time dateTime={at} title={exact ? new Date(at).toLocaleString() : undefined}>
      {formatRelative(at)}
    </time>
  );
}
