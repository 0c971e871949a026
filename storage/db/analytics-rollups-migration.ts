// Migration 0014_analytics_rollups: the per-document visit rollups of visit-rollups.ts, filled from the visits and
// their totals so far (the visits outlive purged events, so the back-fill keeps what a purge already removed).
import { type Kysely, sql } from 'kysely';
import { ADD_VISIT_DAY, runStatements, shapeKey, type Statement } from './visit-rollups.ts';

/** Visits read per query while the day rows are summed. */
const PAGE = 5000;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('document_visit_days')
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('self', 'integer', (c) => c.notNull())
    .addColumn('automated', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('shape', 'text', (c) => c.notNull())
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('document_visit_days_pk', ['document_id', 'self', 'automated', 'day', 'shape'])
    .execute();
  await db.schema
    .createTable('document_viewers')
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('viewer', 'text', (c) => c.notNull())
    .addColumn('self', 'integer', (c) => c.notNull())
    .addColumn('automated', 'integer', (c) => c.notNull())
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('document_viewers_pk', ['document_id', 'viewer', 'self', 'automated'])
    .execute();
  await db.schema
    .createTable('document_stops')
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('self', 'integer', (c) => c.notNull())
    .addColumn('automated', 'integer', (c) => c.notNull())
    .addColumn('last_page', 'integer', (c) => c.notNull())
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pages_seen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('downloads', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('document_stops_pk', ['document_id', 'self', 'automated', 'last_page'])
    .execute();
  await db.schema
    .createTable('link_totals')
    .addColumn('link_id', 'text', (c) => c.notNull().references('links.id').onDelete('cascade'))
    .addColumn('self', 'integer', (c) => c.notNull())
    .addColumn('automated', 'integer', (c) => c.notNull())
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accounted_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('forwarded', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('link_totals_pk', ['link_id', 'self', 'automated'])
    .execute();
  // A recipient's latest contact per link and kind, and a document's forwarded visits, from the index alone.
  await db.schema
    .createIndex('visits_link_kind_seen')
    .on('visits')
    .columns(['link_id', 'self', 'automated', 'last_seen_at'])
    .execute();
  await db.schema.createIndex('visits_document_forwarded').on('visits').columns(['document_id', 'forwarded']).execute();
  await backfill(db);
}

async function backfill(db: Kysely<any>): Promise<void> {
  await sql`insert into document_viewers (document_id, viewer, self, automated, visits)
    select document_id, viewer, self, automated, count(*) from visits where viewer is not null
    group by document_id, viewer, self, automated`.execute(db);
  await sql`insert into document_stops (document_id, self, automated, last_page, visits, pages_seen, downloads)
    select v.document_id, v.self, v.automated, coalesce(t.last_page, 0), count(*), coalesce(sum(t.pages_seen), 0),
      coalesce(sum(t.downloads), 0)
    from visits v left join visit_totals t on t.visit_id = v.id
    group by v.document_id, v.self, v.automated, coalesce(t.last_page, 0)`.execute(db);
  await sql`insert into link_totals (link_id, self, automated, visits, accounted_ms, forwarded)
    select v.link_id, v.self, v.automated, count(*), coalesce(sum(t.accounted_ms), 0),
      sum(case when v.forwarded = 1 then 1 else 0 end)
    from visits v left join visit_totals t on t.visit_id = v.id
    group by v.link_id, v.self, v.automated`.execute(db);
  // The shape key is JSON made the same way as at write time, so the days are summed here, a page at a time.
  const days = new Map<string, Statement>();
  for (let after = ''; ; ) {
    const rows = await db
      .selectFrom('visits')
      .select(['id', 'document_id', 'self', 'automated', 'started_at', 'device_type', 'browser', 'country', 'city'])
      .select(['lat', 'lon'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const v of rows) {
      const params = [v.document_id, v.self, v.automated, String(v.started_at).slice(0, 10), shapeKey(v), 0];
      const key = JSON.stringify(params);
      const s = days.get(key) ?? [ADD_VISIT_DAY, params];
      const p = s[1] as number[];
      p[5] = (p[5] ?? 0) + 1;
      days.set(key, s);
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.id;
  }
  await runStatements(db, [...days.values()]);
}
