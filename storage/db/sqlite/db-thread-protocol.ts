// Messages between the event loop and the database thread (db-thread.ts).
import type { EventInput } from '../event-log.ts';
import type { VisitRow } from '../schema.ts';

export type ThreadRequest =
  | { type: 'append'; n: number; inputs: EventInput[]; visits: VisitRow[] }
  /** `stopped` is a shared flag the owner waits on: set once the thread's connection is closed. */
  | { type: 'stop'; stopped: Int32Array };

export type ThreadReply =
  | { type: 'appended'; n: number; seqs: number[] }
  | { type: 'failed'; n: number; message: string; code?: string };
