// Holes 4 and 8: downloads open no visit per request (one per viewer per window, within the visit limit), HEAD and
// ranged remainders record nothing, a ranged download from byte 0 counts, socket-less visits are forgotten, /visits
// pages; aborted range requests leave no file handle open.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { sendBlob } from '../../server/http/send-blob.ts';
import { LocalBlobStore } from '../../storage/blobs/local.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestLink, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { BROWSER_UA, fileAccess } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let alice: TestSender;
let docId: string;

before(async () => {
  // Behind one trusted proxy, so each test reads from its own client address (the visit limit is per address).
  t = await startApp({ VIEWER_VISITS_PER_MINUTE: '5', TRUST_PROXY: 'true' });
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(3, { padBytes: 400_000 }), 'Prices.pdf');
});
after(async () => t.close());

const count = async (type: string, linkId: string) =>
  (await t.db.selectFrom('events').select('id').where('link_id', '=', linkId).where('type', '=', type).execute())
    .length;
const visitsOf = async (linkId: string) =>
  (await t.db.selectFrom('visits').select('id').where('link_id', '=', linkId).execute()).length;
/** One client address per link, so each test's visit limit starts full. */
const addressOf = new Map<string, string>();
const download = (link: TestLink, headers: Record<string, string> = {}) => {
  if (!addressOf.has(link.id)) addressOf.set(link.id, `192.0.2.${addressOf.size + 1}`);
  const r = request(link.url)
    .get('/download')
    .set('user-agent', BROWSER_UA)
    .set('x-forwarded-for', addressOf.get(link.id)!);
  for (const [k, v] of Object.entries(headers)) r.set(k, v);
  return r;
};

describe('downloads and visits', () => {
  it('counts repeated downloads by one viewer on one visit', async () => {
    const link = await createLink(t, alice.token, docId);
    for (let i = 0; i < 12; i++) await download(link).expect(200);
    assert.equal(await visitsOf(link.id), 1);
    assert.equal(await count('download', link.id), 12);
    assert.equal(t.app.tracker.liveStates, 0, 'no visit state kept for a visit without a socket');
  });

  it('holds new visits from one address to the visit limit, even with a new user agent each time', async () => {
    const link = await createLink(t, alice.token, docId);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await download(link, { 'user-agent': `${BROWSER_UA} r${i}` })).status);
    assert.ok((await visitsOf(link.id)) <= 5, `at most the limit of 5 visits, got ${await visitsOf(link.id)}`);
    assert.ok(statuses.includes(429), 'the rest are refused with 429');
    const refused = await download(link, { 'user-agent': `${BROWSER_UA} again` });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'rate_limited');
  });

  it('HEAD sends no bytes and records no download', async () => {
    const link = await createLink(t, alice.token, docId);
    const res = await request(link.url).head('/download').set('user-agent', BROWSER_UA).expect(200);
    assert.ok(Number(res.headers['content-length']) > 0);
    assert.equal(await count('download', link.id), 0);
    assert.equal(await visitsOf(link.id), 0);
  });

  it('a ranged download from byte 0 records one download; the resumed remainder records none', async () => {
    const link = await createLink(t, alice.token, docId);
    await download(link, { range: 'bytes=0-' }).expect(206);
    assert.equal(await count('download', link.id), 1);
    await download(link, { range: 'bytes=1000-' }).expect(206);
    assert.equal(await count('download', link.id), 1);
  });

  it('pages /visits with a cursor: every visit once, newest first', async () => {
    const link = await createLink(t, alice.token, docId);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      // Each visit from its own address, so neither the reuse window nor the per-address limit merges them.
      const ip = `10.1.0.${i + 1}`;
      const app = t.app.tracker;
      const resolved = {
        link: await t.db.selectFrom('links').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow(),
        document: await t.db.selectFrom('documents').selectAll().where('id', '=', docId).executeTakeFirstOrThrow(),
      };
      const s = await app.openVisit(resolved, { ip, userAgent: BROWSER_UA });
      app.release(s);
      ids.push(s.id);
      // Distinct start times, so "newest first" is one order (ties are ordered by id, which is random within a ms).
      await new Promise((r) => setTimeout(r, 3));
    }
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const q: string = `/api/documents/${docId}/visits?limit=2${before ? `&before=${before}` : ''}`;
      const res = await request(t.url).get(q).set('authorization', `Bearer ${alice.token}`).expect(200);
      assert.ok(res.body.visits.length <= 2);
      seen.push(...res.body.visits.map((v: { id: string }) => v.id));
      before = res.body.next;
      if (!before) break;
    }
    const mine = seen.filter((id) => ids.includes(id));
    assert.deepEqual(mine, [...ids].reverse(), 'each visit once, newest first');
    assert.equal(new Set(seen).size, seen.length, 'no visit twice');
    await request(t.url)
      .get(`/api/documents/${docId}/visits?limit=0`)
      .set('authorization', `Bearer ${alice.token}`)
      .expect(422);
  });
});

function openFilesUnder(dir: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

describe('range requests', () => {
  it('closes the file of every aborted range request', async () => {
    const link = await createLink(t, alice.token, docId);
    const blobs = `${t.dataDir}/blobs`;
    const url = new URL(`${link.url}/file`);
    const access = await fileAccess(t.url, link.token);
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          url,
          { headers: { ...access, range: `bytes=${i * 1000}-`, 'user-agent': BROWSER_UA } },
          (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
      });
    }
    await eventually(() => openFilesUnder(blobs) === 0, 20_000, 'no blob file left open');
    await request(t.url).get('/healthz').expect(200);
  });

  it('a reader gone before the file opens leaves no handle open and no error', async () => {
    const blobs = new LocalBlobStore(`${t.dataDir}/blobs`);
    const key = (await t.db.selectFrom('documents').select('pdf_key').where('id', '=', docId).executeTakeFirstOrThrow())
      .pdf_key!;
    const outcomes: unknown[] = [];
    const app = express();
    app.get('/f', async (req, res) => {
      res.destroy(); // the client hung up while the server was still looking the file up
      outcomes.push(
        await sendBlob(req, res, blobs, key, { contentType: 'application/pdf' }).then(
          () => 'ok',
          (err: unknown) => err,
        ),
      );
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    for (let i = 0; i < 5; i++) await fetch(`http://127.0.0.1:${port}/f`).catch(() => null);
    await eventually(() => outcomes.length === 5, 20_000, 'five handled requests');
    server.close();
    assert.deepEqual(outcomes, ['ok', 'ok', 'ok', 'ok', 'ok']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(openFilesUnder(`${t.dataDir}/blobs`), 0, 'no blob file left open');
  });
});
