// Event appends on the database thread: the batch crosses to it, seqs come back, and the rows are rebuilt here
// from the same inputs (eventRow is deterministic), so only numbers make the return trip.
import type { DatabaseThread } from './db-thread-client.ts';
import { eventRow, type Appended, type EventInput, type EventLog } from '../event-log.ts';
import type { VisitRow } from '../schema.ts';

export class ThreadEventLog implements EventLog {
  private readonly thread: DatabaseThread;

  constructor(thread: DatabaseThread) {
    this.thread = thread;
  }

  async append(inputs: EventInput[], visits?: VisitRow[]): Promise<Appended[]> {
    const seqs = await this.thread.append(inputs, visits);
    return seqs.map((seq, i) =>
      seq < 0 ? { duplicate: true, seq: -seq } : { duplicate: false, row: eventRow(inputs[i]!, seq) },
    );
  }
}
