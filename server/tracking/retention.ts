// RETENTION_DAYS: events older than that are purged on a schedule, whole visits at a time (a visit whose last
// contact is older, and events of no visit, such as email opens, older than the cut). The analytics keep their
// totals: they read the rollups kept at write time (visit_totals, visit_pages, document_pages), which stay, as do
// the visit rows (visit counts and unique viewers), with any kept address cleared.
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
