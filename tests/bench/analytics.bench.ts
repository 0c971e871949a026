// Benchmark: a document's analytics and its first visits page on a document with 1,000,000 stored events, on
// SQLite and on PostgreSQL (a fresh database on the local server, dropped afterwards). The data set is written
// through the storage layer's event log (the write path that keeps the rollups), in batches: visits of 50 events
// (an open and 49 page events) over a 12-page document, half on 500 recipients' links, half on a public link,
// spread over 90 days. Baseline, in the same run: the per-page and per-visit figures read from the events
// themselves, as the analytics did before the rollups. Goal: p50 at most 100 ms.
// Besides p50/p99 of the wall time it prints the CPU time per call of this process (PostgreSQL's server work is
// not in it). Knobs: BENCH_EVENTS (1,000,000), BENCH_RUNS (40 queries each), BENCH_POSTGRES=0 skips PostgreSQL, BENCH_SQLITE=0 SQLite,
// BENCH_KEEP_DIR=dir keeps the SQLite data set there.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { documentAnalytics } from '../../server/tracking/analytics.ts';
import { documentVisits } from '../../server/tracking/visit-list.ts';
import { openDatabase, type DatabaseAdapter, type Db, type EventInput, type VisitRow } from '../../storage/db/index.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { envNumber, int, ms, summarize } from './lib/stats.ts';

const EVENTS = envNumber('BENCH_EVENTS', 1_000_000);
const RUNS = envNumber('BENCH_RUNS', 40);
const POSTGRES = process.env.BENCH_POSTGRES !== '0';
const SQLITE = process.env.BENCH_SQLITE !== '0';
const PER_VISIT = 50;
const PAGES = 12;
const RECIPIENTS = 500;
const GOAL_MS = 100;
const DOC = 'doc_bench';
const SENDER = 'snd_bench';
const HUMAN = { self: false, automated: false };

async function seed(database: DatabaseAdapter): Promise<number> {
  const { db } = database;
  const now = new Date().toISOString();
  await db
    .insertInto('senders')
    .values({ id: SENDER, email: 'bench@example.org', password_hash: 'x', created_at: now })
    .execute();
  await db
    .insertInto('documents')
    .values({
      id: DOC,
      sender_id: SENDER,
      name: 'Bench.pdf',
      format: 'pdf',
      status: 'ready',
      page_count: PAGES,
      size_bytes: 1,
      original_key: null,
      pdf_key: null,
      pdf_size: null,
      thumbnail_key: null,
      error_code: null,
      error_message: null,
      convert_ms: null,
      content_hash: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const link = (i: number) => ({
    id: `lnk_${i}`,
    document_id: DOC,
    sender_id: SENDER,
    token_sealed: `t${i}`,
    token_hash: `h${i}`,
    recipient: i === 0 ? null : `reader${i}@example.org`,
    allow_download: 1,
    expires_at: null,
    revoked_at: null,
    created_at: now,
  });
  for (let i = 0; i <= RECIPIENTS; i += 100)
    await db
      .insertInto('links')
      .values(Array.from({ length: Math.min(100, RECIPIENTS + 1 - i) }, (_, k) => link(i + k)))
      .execute();
  const visits = Math.ceil(EVENTS / PER_VISIT);
  const start = Date.now() - 90 * 86_400_000;
  const devices = ['desktop', 'mobile', 'tablet'];
  const places = [
    { country: 'PT', region: 'Lisbon', city: 'Lisbon', lat: 38.72, lon: -9.13 },
    { country: 'US', region: 'NY', city: 'New York', lat: 40.71, lon: -74.0 },
    { country: 'DE', region: 'Berlin', city: 'Berlin', lat: 52.52, lon: 13.4 },
  ];
  // A few visits per batch, so a batch is about the size the event store writes under load.
  const PER_BATCH = 40;
  for (let v0 = 0; v0 < visits; v0 += PER_BATCH) {
    const rows: VisitRow[] = [];
    const inputs: EventInput[] = [];
    for (let v = v0; v < Math.min(visits, v0 + PER_BATCH); v++) {
      const at = new Date(start + Math.floor((v / visits) * 90 * 86_400_000)).toISOString();
      const id = `vis_${String(v).padStart(8, '0')}`;
      const linkId = `lnk_${v % 2 ? 1 + (v % RECIPIENTS) : 0}`;
      const device = { type: devices[v % 3], os: 'iOS', browser: v % 2 ? 'Chrome' : 'Safari' };
      const place = places[v % 3]!;
      const common = {
        sender_id: SENDER,
        document_id: DOC,
        link_id: linkId,
        visit_id: id,
        automated: 0,
        self: v % 50 === 0 ? 1 : 0,
      };
      rows.push({
        id,
        link_id: linkId,
        document_id: DOC,
        sender_id: SENDER,
        started_at: at,
        last_seen_at: at,
        viewer_key: `viewer${v % 3000}`,
        device: JSON.stringify(device),
        location: JSON.stringify(place),
        automated: 0,
        self: common.self,
        device_type: device.type!,
        browser: device.browser,
        country: place.country,
        city: place.city,
        lat: place.lat,
        lon: place.lon,
        viewer: linkId === 'lnk_0' ? `viewer${v % 3000}` : `reader${1 + (v % RECIPIENTS)}@example.org`,
      });
      inputs.push({ ...common, id: `evt_${id}_o`, type: 'open', at });
      for (let e = 1; e < PER_VISIT; e++)
        inputs.push({
          ...common,
          id: `evt_${id}_${e}`,
          type: 'page_view',
          at,
          client_id: `c${e}`,
          page: 1 + ((e + v) % PAGES) * (e % 3 === 0 ? 0 : 1) || 1,
          duration_ms: 500 + ((e * 37 + v) % 4000),
        });
    }
    await database.events.append(inputs, rows);
  }
  return visits;
}

/** The same figures read from the events, as the analytics did before the rollups (the baseline). */
async function fromEvents(db: Db): Promise<void> {
  const human = db.selectFrom('events').where('document_id', '=', DOC).where('self', '=', 0).where('automated', '=', 0);
  await human
    .select([
      'page',
      (eb) => eb.fn.sum<number>('duration_ms').as('ms'),
      sql<number>`count(distinct visit_id)`.as('visits'),
    ])
    .where('type', '=', 'page_view')
    .groupBy('page')
    .execute();
  await db
    .selectFrom('events')
    .select([
      'visit_id',
      (eb) => eb.fn.sum<number>('duration_ms').as('ms'),
      sql<number>`count(distinct page)`.as('pages'),
    ])
    .where('document_id', '=', DOC)
    .where('type', '=', 'page_view')
    .groupBy('visit_id')
    .execute();
}

/** Wall time per call, and the CPU time this process (SQLite's database thread included) spent per call: on a
 * machine busy with other work the wall time says more about the machine, the CPU time about the query. */
async function time(f: () => Promise<unknown>, runs = RUNS) {
  await f();
  const out: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { ...summarize(out), cpuMs: (cpu.user + cpu.system) / 1000 / runs };
}

async function bench(name: string, database: DatabaseAdapter): Promise<boolean> {
  const t0 = performance.now();
  const visits = await seed(database);
  const seeded = (performance.now() - t0) / 1000;
  const { db } = database;
  const count = async (table: 'events' | 'visits' | 'visit_pages' | 'document_pages') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  console.log(
    `${name}: ${int(await count('events'))} events, ${int(await count('visits'))} visits, ` +
      `${int(await count('visit_pages'))} visit_pages rows, ${int(await count('document_pages'))} document_pages rows ` +
      `(written in ${seeded.toFixed(1)} s, ${int((visits * PER_VISIT) / seeded)} events/s)`,
  );
  const a = await documentAnalytics(db, DOC, PAGES, HUMAN);
  console.log(`  analytics: ${int(a.visits)} human visits, ${int(a.totalMs)} ms, ${a.recipients.length} recipients`);
  const results = {
    analytics: await time(() => documentAnalytics(db, DOC, PAGES, HUMAN)),
    'analytics ?include=self,automated': await time(() =>
      documentAnalytics(db, DOC, PAGES, { self: true, automated: true }),
    ),
    'visits (first page of 50)': await time(() => documentVisits(db, DOC, { limit: 50 })),
    'visits ?recipient=&include=': await time(() =>
      documentVisits(db, DOC, { limit: 50 }, { recipient: 'reader7@example.org', include: HUMAN }),
    ),
    'baseline: the same from the events': await time(() => fromEvents(db), Math.min(RUNS, 5)),
  };
  let ok = true;
  for (const [what, s] of Object.entries(results)) {
    const goal = what.startsWith('baseline') ? '' : s.p50 <= GOAL_MS ? '  (goal met)' : '  (GOAL MISSED)';
    if (goal.includes('MISSED')) ok = false;
    console.log(
      `  ${what.padEnd(38)} p50 ${ms(s.p50).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  ` +
        `cpu/call ${ms(s.cpuMs).padStart(9)}  n=${s.n}${goal}`,
    );
  }
  return ok;
}

const dir = process.env.BENCH_KEEP_DIR ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-analytics-bench-')));
let ok = true;
try {
  if (SQLITE) {
    const sqlite = await openDatabase({ dataDir: dir });
    try {
      ok = (await bench('SQLite', sqlite)) && ok;
    } finally {
      await sqlite.close();
    }
  }
  if (POSTGRES) {
    const pgdb = await createTestDatabase();
    try {
      const pgAdapter = await openDatabase({ dataDir: dir, DATABASE_URL: pgdb.url });
      try {
        ok = (await bench('PostgreSQL', pgAdapter)) && ok;
      } finally {
        await pgAdapter.close();
      }
    } finally {
      await pgdb.drop();
    }
  }
} finally {
  if (!process.env.BENCH_KEEP_DIR) await fs.rm(dir, { recursive: true, force: true });
}
console.log(ok ? `goal p50 <= ${GOAL_MS} ms: met` : `goal p50 <= ${GOAL_MS} ms: missed`);
