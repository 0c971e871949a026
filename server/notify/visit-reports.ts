// The end of a visit, told once: when its last reader leaves, a report is due a gap later (VISIT_REUSE_MINUTES);
// a reader back in time continues the visit and pushes it on. Due reports are kept in the database (a restart
// loses none); each becomes `visit:ended` on the bus with what was read, page by page.
import type { Db } from '../../storage/db/index.ts';
import type { DomainEvents } from '../events.ts';
import type { VisitReport } from '../domain-types.ts';
import type { Logger } from '../logger.ts';

export class VisitReports {
  private readonly db: Db;
  private readonly bus: DomainEvents;
  private readonly log: Logger;
  private readonly gapMs: number;
  private readonly isLive: (visitId: string) => boolean;

  constructor(d: { db: Db; bus: DomainEvents; log: Logger; gapMs: number; isLive: (visitId: string) => boolean }) {
    this.db = d.db;
    this.bus = d.bus;
    this.log = d.log;
    this.gapMs = d.gapMs;
    this.isLive = d.isLive;
  }

  /** The visit's last reader left at `at`. */
  async left(senderId: string, visitId: string, at: string): Promise<void> {
    const due = new Date(Date.parse(at) + this.gapMs).toISOString();
    await this.db
      .insertInto('visit_reports')
      .values({ visit_id: visitId, sender_id: senderId, due_at: due })
      .onConflict((oc) => oc.column('visit_id').doUpdateSet({ due_at: due }))
      .execute();
  }

  /** Reports every visit whose end is due. */
  async run(): Promise<void> {
    const due = await this.db
      .selectFrom('visit_reports')
      .selectAll()
      .where('due_at', '<=', new Date().toISOString())
      .orderBy('due_at')
      .limit(100)
      .execute();
    for (const r of due) {
      // Someone is reading it again: its next leaving schedules it anew.
      if (this.isLive(r.visit_id)) continue;
      const gone = await this.db
        .deleteFrom('visit_reports')
        .where('visit_id', '=', r.visit_id)
        .where('due_at', '=', r.due_at)
        .executeTakeFirst();
      if (!Number(gone.numDeletedRows)) continue;
      const report = await this.report(r.visit_id);
      if (report) this.bus.emit('visit:ended', { senderId: r.sender_id, visit: report });
      else this.log.debug({ visit: r.visit_id }, 'ended visit no longer stored');
    }
  }

  private async report(visitId: string): Promise<VisitReport | null> {
    const v = await this.db
      .selectFrom('visits')
      .innerJoin('documents', 'documents.id', 'visits.document_id')
      .innerJoin('links', 'links.id', 'visits.link_id')
      .select([
        'visits.id',
        'visits.document_id',
        'visits.link_id',
        'visits.started_at',
        'visits.last_seen_at',
        'visits.device',
        'visits.location',
        'visits.self',
        'visits.automated',
        'links.recipient',
        'documents.name',
        'documents.page_count',
      ])
      .where('visits.id', '=', visitId)
      .executeTakeFirst();
    if (!v) return null;
    const [pages, downloads] = await Promise.all([
      this.db
        .selectFrom('events')
        .select(['page', (eb) => eb.fn.sum<number>('duration_ms').as('ms')])
        .where('visit_id', '=', visitId)
        .where('type', '=', 'page_view')
        .groupBy('page')
        .orderBy('page')
        .execute(),
      this.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('visit_id', '=', visitId)
        .where('type', '=', 'download')
        .executeTakeFirst(),
    ]);
    const list = pages
      .map((p) => ({ page: Number(p.page), durationMs: Number(p.ms ?? 0) }))
      .filter((p) => p.durationMs > 0);
    return {
      visitId: v.id,
      documentId: v.document_id,
      documentName: v.name,
      linkId: v.link_id,
      recipient: v.recipient,
      startedAt: v.started_at,
      endedAt: v.last_seen_at,
      totalMs: list.reduce((a, p) => a + p.durationMs, 0),
      pages: list,
      pageCount: Number(v.page_count ?? 0),
      downloaded: Number(downloads?.n ?? 0) > 0,
      device: v.device ? JSON.parse(v.device) : null,
      location: v.location ? JSON.parse(v.location) : null,
      self: Boolean(v.self),
      automated: Boolean(v.automated),
    };
  }
}
