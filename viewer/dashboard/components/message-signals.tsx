// What a sent message's recipients did, at a glance: the status chip (green once a person opened it, stronger as
// they go further; machines never move it), machine and own opens apart, delivery, and what they have read.

import type { MessageJson, RecipientSignals } from '../../../server/api-types.ts';
import { formatDuration, formatMachine, formatRelative, formatStatus } from '../format.ts';
import { Badge, type Tone } from './badge.tsx';
import { Icon } from './icon.tsx';

type Copy = MessageJson['copies'][number];

const DELIVERY: Record<string, [Tone, string]> = {
  sent: ['success', 'Delivered'],
  pending: ['progress', 'Not sent yet'],
  failed: ['danger', 'Refused'],
};

export function StatusChip({ signals: s }: { signals: RecipientSignals }) {
  const title =
    s.status === 'not_opened'
      ? 'No person has opened it yet'
      : `Last opened ${s.lastOpenAt ? formatRelative(s.lastOpenAt) : 'earlier'}`;
  return (
    <span class={`status status-${s.status}`} title={title}>
      <Icon name="eye" />
      {formatStatus(s)}
    </span>
  );
}

/** "2 machine opens: Apple Mail privacy, link scanner", shown apart from the status. */
export function machineText(s: RecipientSignals): string | null {
  const text = [formatMachine(s.machine), s.self ? `${s.self} of your own` : ''].filter(Boolean).join(' · ');
  return text || null;
}

export function MachineNote({ signals }: { signals: RecipientSignals }) {
  const text = machineText(signals);
  return text ? (
    <span class="sent-machine" title="Stored, but not counted">
      {text}
    </span>
  ) : null;
}

export function DeliveryBadge({ copy }: { copy: Copy }) {
  const [tone, label] = DELIVERY[copy.delivery] ?? ['muted', copy.delivery];
  return (
    <Badge tone={tone} title={copy.response ?? ''}>
      {label}
    </Badge>
  );
}

/** "opened 1 of 2 documents, 3 min reading, last 2 h ago" (empty when the copy carried no document). */
export function readingOf(copy: Copy): string {
  if (!copy.links.length) return '';
  const visits = copy.links.reduce((a, l) => a + l.visits, 0);
  if (!visits) return 'not opened yet';
  const ms = copy.links.reduce((a, l) => a + l.totalMs, 0);
  const last = copy.links
    .map((l) => l.lastSeenAt)
    .filter((x): x is string => Boolean(x))
    .sort()
    .at(-1);
  const opened = copy.links.filter((l) => l.visits > 0).length;
  const docs = `${copy.links.length} document${copy.links.length === 1 ? '' : 's'}`;
  return `opened ${opened} of ${docs}, ${formatDuration(ms)} reading${last ? `, last ${formatRelative(last)}` : ''}`;
}
