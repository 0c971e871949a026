// Messages between the event loop and the database thread (db-thread.ts).
import type { EventInput } from '../event-log.ts';
import type { VisitRow } from '../schema.ts';
import type { StopRequest } from './thread-stop.ts';

export type ThreadRequest =
  | { type: 'append'; n: number; inputs: EventInput[]; visits: VisitRow[] }
  /** The thread connection's `synchronous` level (SQLite's number: 1 NORMAL, 2 FULL). */
  | { type: 'synchronous'; n: number }
  | StopRequest;

export type ThreadReply =
  | { type: 'appended'; n: number; seqs: number[] }
  | { type: 'synchronous'; n: number; level: number }
  | { type: 'failed'; n: number; message: string; code?: string };
