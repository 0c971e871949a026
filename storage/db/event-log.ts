// Appending events is the one hot write path: it has its own seam. SQLite appends with prepared statements (on the
// database thread for a database file, in the event loop for an in-memory one); PostgreSQL in one transaction per
// batch that locks the senders it writes for. Each gives every new event the sender's next `seq` and recognises a
// re-sent client event (same visit and client id) instead of storing it twice. This file is the seam and the helpers
// the adapters share; the adapters import it, never the reverse, and each adapter's open.ts picks its own.
import type { EventRow, NewEvent, VisitRow } from './schema.ts';

/** An event to store; its id is chosen by the caller, its seq by the log. */
export type EventInput = NewEvent & { id: string };

export type Appended = { duplicate: true; seq: number } | { duplicate: false; row: EventRow };

export interface EventLog {
  /** Stores the events in one transaction, in order. `visits` are new visits some of them open: stored first, in
   * the same transaction, so a visit and its `open` event exist together or not at all. */
  append(inputs: EventInput[], visits?: VisitRow[]): Promise<Appended[]>;
}

const NULLS = {
  document_id: null,
  link_id: null,
  visit_id: null,
  client_id: null,
  recipient: null,
  page: null,
  duration_ms: null,
  device: null,
  location: null,
  automated: 0,
  self: 0,
};

/** A full row from an input: absent columns null, the given seq. */
export function eventRow(input: EventInput, seq: number): EventRow {
  return { ...NULLS, ...input, seq } as EventRow;
}

/** Sums a batch's page time per visit, for one visit_totals update each. */
export function addDuration(totals: Map<string, number>, row: Pick<EventRow, 'visit_id' | 'duration_ms'>): void {
  if (row.visit_id && row.duration_ms)
    totals.set(row.visit_id, (totals.get(row.visit_id) ?? 0) + Number(row.duration_ms));
}
