// The rollups do not depend on how events are batched: the same events, from many visits of one document on two
// links (pages changing, downloads, the sender's own visit), written as a few large batches and as one event per
// batch, leave the same rows in every rollup table. A large batch sums the rows its visits share (drop-off, link
// totals) into one statement each; one event per batch never does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventInput, VisitRow } from '../../storage/db/index.ts';
import { DATABASES, type OpenedDatabase } from '../helpers/databases.ts';

const TABLES = [
  ['visit_totals', 'visit_id'],
  ['visit_pages', 'visit_id, page'],
  ['document_pages', 'page, self, automated'],
  ['document_stops', 'self, automated, last_page'],
  ['link_pages', 'link_id, page, self, automated'],
  ['link_totals', 'link_id, self, automated'],
  ['document_visit_days', 'self, automated, day, shape'],
  ['document_viewers', 'viewer, self, automated'],
] as const;
const VISITS = 30;
const ROUNDS = 6;

async function seed(o: OpenedDatabase): Promise<void> {
  const { db } = o.database;
  const now = new Date().toISOString();
  await db
    .insertInto('senders')
    .values({ id: 'snd_r', email: 'r@example.org', password_hash: 'x', created_at: now })
    .execute();
  await db
    .insertInto('documents')
    .values({
      id: 'doc_r',
      sender_id: 'snd_r',
      name: 'R.pdf',
      format: 'pdf',
      status: 'ready',
      page_count: 6,
      size_bytes: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const [id, recipient] of [
    ['lnk_a', 'ann@example.org'],
    ['lnk_b', null],
  ] as const)
    await db
      .insertInto('links')
      .values({
        id,
        document_id: 'doc_r',
        sender_id: 'snd_r',
        token_sealed: `t_${id}`,
        token_hash: `h_${id}`,
        recipient,
        allow_download: 1,
        expires_at: null,
        revoked_at: null,
        created_at: now,
      })
      .execute();
}

const at = '2026-11-30T10:00:00.000Z';
const linkOf = (v: number) => (v % 3 ? 'lnk_a' : 'lnk_b');

function visitRow(v: number): VisitRow {
  return {
    id: `vis_r${String(v).padStart(4, '0')}`,
    link_id: linkOf(v),
    document_id: 'doc_r',
    sender_id: 'snd_r',
    started_at: at,
    last_seen_at: at,
    viewer_key: `viewer${v % 7}`,
    device: JSON.stringify({ type: v % 2 ? 'mobile' : 'desktop', browser: 'Chrome' }),
    location: null,
    automated: 0,
    self: v === 4 ? 1 : 0,
    network: null,
    ip: null,
    device_type: v % 2 ? 'mobile' : 'desktop',
    browser: 'Chrome',
    country: null,
    city: null,
    lat: null,
    lon: null,
    forwarded: 0,
    viewer: linkOf(v) === 'lnk_a' ? 'ann@example.org' : `viewer${v % 7}`,
  };
}

/** Every visit opens, then each round every visit reads a page (changing for most) and some download. */
function events(): { visits: VisitRow[]; inputs: EventInput[][] } {
  const visits = Array.from({ length: VISITS }, (_, v) => visitRow(v));
  const base = (v: VisitRow) => ({
    sender_id: 'snd_r',
    document_id: 'doc_r',
    link_id: v.link_id,
    visit_id: v.id,
    automated: 0,
    self: v.self,
    at,
  });
  const rounds: EventInput[][] = [visits.map((v) => ({ ...base(v), id: `evt_${v.id}_o`, type: 'open' as const }))];
  for (let r = 0; r < ROUNDS; r++)
    rounds.push(
      visits.flatMap((v, i): EventInput[] => {
        const page = 1 + ((i % 4 === 0 ? 0 : r + i) % 6);
        const view: EventInput = {
          ...base(v),
          id: `evt_${v.id}_${r}`,
          type: 'page_view',
          client_id: `c${r}`,
          page,
          duration_ms: 300 + 17 * i + r,
        };
        return (i + r) % 5 === 0 ? [view, { ...base(v), id: `evt_${v.id}_d${r}`, type: 'download' }] : [view];
      }),
    );
  return { visits, inputs: rounds };
}

async function rollups(o: OpenedDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of TABLES) {
    const rows = await o.database.db
      .selectFrom(table as 'visit_totals')
      .selectAll()
      .orderBy(order.split(', ') as never)
      .execute();
    out[table] = rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
  }
  return out;
}

for (const { name, open } of DATABASES) {
  describe(`rollups by batch size on ${name}`, () => {
    let large: OpenedDatabase;
    let single: OpenedDatabase;
    before(async () => {
      [large, single] = await Promise.all([open(), open()]);
      await Promise.all([seed(large), seed(single)]);
    });
    after(async () => {
      await large?.close();
      await single?.close();
    });

    it('leaves the same rows whether the events come in large batches or one at a time', async () => {
      const { visits, inputs } = events();
      // Large: each round of every visit's events in one batch (the visits with the first one).
      for (const [r, round] of inputs.entries()) await large.database.events.append(round, r === 0 ? visits : []);
      // Single: every visit on its own with its open, then one event per batch.
      for (const [i, open] of inputs[0]!.entries()) await single.database.events.append([open], [visits[i]!]);
      for (const round of inputs.slice(1)) for (const e of round) await single.database.events.append([e]);

      const [a, b] = await Promise.all([rollups(large), rollups(single)]);
      for (const [table] of TABLES) {
        assert.ok(b[table]!.length > 0, `${table}: no rows written one event at a time`);
        assert.deepEqual(a[table], b[table], `${table}: large batches and single events disagree`);
      }
      // The drop-off has every visit once, on its last page.
      const stops = b.document_stops as { visits: number }[];
      assert.equal(
        stops.reduce((n, s) => n + Number(s.visits), 0),
        VISITS,
        'document_stops: the visits stopped on a page do not add up to the visits',
      );
    });
  });
}
