// A scanner that opens a copy's viewer link runs the reader's JavaScript but never scrolls, types, points or
// touches. A visit of a link made for a message copy that started within the scan window of the copy's delivery and
// ended with no human input reported is a machine's: the visit and its events are marked `no_human_input`.
// Only unmarked visits are changed (another rule's verdict stays), and input never un-marks anything.
import { moveVisitPages } from '../../storage/db/document-pages.ts';
import { moveVisitFigures } from '../../storage/db/visit-rollups.ts';
import type { Db } from '../../storage/db/index.ts';
import type { EventStore } from '../tracking/event-store.ts';

export const NO_HUMAN_INPUT = 'no_human_input';

export interface NoInputDeps {
  db: Db;
  events: EventStore;
  scanWindowMs: number;
}

/** Whether a visit with no input that started at `startedAtMs` is a scanner's for a copy delivered then. */
export function scannerVisit(startedAtMs: number, deliveredAtMs: number | null, scanWindowMs: number): boolean {
  if (deliveredAtMs === null) return false;
  const after = startedAtMs - deliveredAtMs;
  // A little slack before delivery: the upstream's acceptance is recorded after the scanner may have fetched.
  return after > -scanWindowMs && after < scanWindowMs;
}

export class NoInputRule {
  private readonly d: NoInputDeps;

  constructor(d: NoInputDeps) {
    this.d = d;
  }

  /** Judges a visit whose reader left without reporting input; true when it was marked. */
  async judge(visitId: string): Promise<boolean> {
    const { db } = this.d;
    const visit = await db
      .selectFrom('visits')
      .innerJoin('links', 'links.id', 'visits.link_id')
      .select([
        'visits.link_id',
        'visits.document_id',
        'visits.started_at',
        'visits.automated',
        'visits.self',
        'links.recipient',
      ])
      .where('visits.id', '=', visitId)
      .executeTakeFirst();
    // Only per-recipient links are made for copies; the sender's own and already marked visits are left alone.
    if (!visit || visit.automated || visit.self || !visit.recipient) return false;
    const copy = await db
      .selectFrom('message_copy_links')
      .innerJoin('message_copies', 'message_copies.id', 'message_copy_links.copy_id')
      .select('message_copies.delivered_at')
      .where('message_copy_links.link_id', '=', visit.link_id)
      .executeTakeFirst();
    if (!copy?.delivered_at) return false;
    if (!scannerVisit(Date.parse(visit.started_at), Date.parse(copy.delivered_at), this.d.scanWindowMs)) return false;
    // Events of the visit still queued are written first, so none is left unmarked behind the update.
    await this.d.events.drain();
    await db.transaction().execute(async (trx) => {
      const marked = await trx
        .updateTable('visits')
        .set({ automated: 1 })
        .where('id', '=', visitId)
        .where('automated', '=', 0)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows)) {
        await moveVisitPages(
          trx,
          { id: visitId, documentId: visit.document_id, linkId: visit.link_id },
          { self: 0, automated: 0 },
          { self: 0, automated: 1 },
        );
        await moveVisitFigures(trx, visitId, { self: 0, automated: 0 }, { self: 0, automated: 1 });
      }
      await trx
        .updateTable('events')
        .set({ automated: 1, automated_reason: NO_HUMAN_INPUT })
        .where('visit_id', '=', visitId)
        .where('automated', '=', 0)
        .execute();
    });
    return true;
  }
}
