// RETENTION_DAYS: events older than that are purged on a schedule, whole visits at a time (a visit whose last
// contact is older, and events of no visit, such as email opens, older than the cut). Their human per-page
// time, page visits and downloads move into page_rollups first, so the analytics keep their totals; visit rows
// stay (visit counts and unique viewers), with any kept address cleared.
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';
import type { Logger } from '../logger.ts';

const BATCH = 200;

/** Purges what is older than `days`; returns the number of events removed. */
export async function purgeOldEvents(db: Db, days: number, now = Date.now()): Promise<number> {
  const cut = new Date(now - days * 86_400_000).toISOString();
  let removed = 0;
  for (;;) {
    const visits = await db
      .selectFrom('visits')
      .select('id')
      .where('last_seen_at', '<', cut)
      .where((eb) => eb.exists(eb.selectFrom('events').select('id').whereRef('events.visit_id', '=', 'visits.id')))
      .limit(BATCH)
      .execute();
    if (!visits.length) break;
    removed += await purgeVisits(
      db,
      visits.map((v) => v.id),
    );
  }
  const loose = await db.deleteFrom('events').where('visit_id', 'is', null).where('at', '<', cut).executeTakeFirst();
  return removed + Number(loose.numDeletedRows);
}

async function purgeVisits(db: Db, ids: string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const human = trx
      .selectFrom('events')
      .where('visit_id', 'in', ids)
      .where('self', '=', 0)
      .where('automated', '=', 0)
      .where('document_id', 'is not', null);
    const [pages, downloads] = await Promise.all([
      human
        .select([
          'document_id',
          'page',
          (eb) => eb.fn.sum<number>('duration_ms').as('ms'),
          sql<number>`count(distinct visit_id)`.as('visits'),
        ])
        .where('type', '=', 'page_view')
        .groupBy(['document_id', 'page'])
        .execute(),
      human
        .select(['document_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('type', '=', 'download')
        .groupBy('document_id')
        .execute(),
    ]);
    const add = async (documentId: string, page: number, ms: number, visits: number, dl: number) => {
      await trx
        .insertInto('page_rollups')
        .values({ document_id: documentId, page, total_ms: ms, visits, downloads: dl })
        .onConflict((oc) =>
          oc.columns(['document_id', 'page']).doUpdateSet((eb) => ({
            total_ms: eb('page_rollups.total_ms', '+', eb.ref('excluded.total_ms')),
            visits: eb('page_rollups.visits', '+', eb.ref('excluded.visits')),
            downloads: eb('page_rollups.downloads', '+', eb.ref('excluded.downloads')),
          })),
        )
        .execute();
    };
    for (const p of pages) await add(p.document_id!, Number(p.page), Number(p.ms ?? 0), Number(p.visits), 0);
    for (const d of downloads) await add(d.document_id!, 0, 0, 0, Number(d.n));
    await trx.updateTable('visits').set({ ip: null }).where('id', 'in', ids).execute();
    const r = await trx.deleteFrom('events').where('visit_id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}

/** Runs the purge now and every `everyMs`; the returned function stops it. */
export function scheduleRetention(db: Db, days: number, everyMs: number, log: Logger): () => Promise<void> {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= purgeOldEvents(db, days)
      .then((n) => {
        if (n) log.info({ events: n, days }, 'old events purged');
      })
      .catch((err) => log.error({ err }, 'retention purge failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  run();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
