// Every accepted Office format through the API with real LibreOffice: detected from the bytes, converted,
// page count right, thumbnail made; a full conversion queue answers 429 at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startApp, waitReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { fixture } from '../helpers/fixtures.ts';
import { makePdf } from '../helpers/pdf.ts';
import { eventually } from '../helpers/wait.ts';

const FORMATS = ['docx', 'doc', 'odt', 'rtf', 'pptx', 'ppt', 'odp'] as const;

describe('each accepted format through the API', () => {
  let t: TestApp;
  let s: TestSender;
  before(async () => {
    t = await startApp();
    s = await t.sender();
  });
  after(async () => t.close());

  for (const format of FORMATS) {
    it(`${format}: detected by its bytes, converted, 3 pages, with a thumbnail`, async (ctx) => {
      const file = fs.readFileSync(await fixture(format, 3));
      const started = Date.now();
      const res = await request(t.url)
        .post('/api/documents')
        .set('authorization', `Bearer ${s.token}`)
        .attach('file', file, { filename: 'upload.bin', contentType: 'application/octet-stream' })
        .expect(202);
      assert.equal(res.body.format, format);
      const doc = await waitReady(t, s.token, res.body.id);
      ctx.diagnostic(`${format}: upload to ready in ${Date.now() - started} ms (${t.converter.status().engine})`);
      assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
      assert.equal(doc.pageCount, 3);
      // The thumbnail is made just after the document is ready.
      const thumbnailUrl = await eventually(
        async () =>
          (await request(t.url).get(`/api/documents/${doc.id}`).set('authorization', `Bearer ${s.token}`)).body
            .thumbnailUrl as string | null,
        20_000,
        `the ${format} document's thumbnail`,
      );
      const thumb = await request(t.url).get(thumbnailUrl).set('authorization', `Bearer ${s.token}`).expect(200);
      assert.equal(thumb.headers['content-type'], 'image/png');
      assert.ok((thumb.body as Buffer).subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])));
    });
  }

  it('a corrupt Office file ends as failed with a clear code, and the next one converts', async () => {
    const good = fs.readFileSync(await fixture('docx', 3));
    // Keep the zip directory (so it is still a DOCX by its bytes) but wreck the compressed parts.
    const broken = Buffer.from(good);
    for (let i = 200; i < Math.min(broken.length - 2000, 4000); i++) broken[i] = (broken[i]! * 31 + 7) & 0xff;
    const res = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${s.token}`)
      .attach('file', broken, 'broken.docx')
      .expect(202);
    const doc = await waitReady(t, s.token, res.body.id);
    assert.equal(doc.status, 'failed');
    assert.deepEqual(doc.error, {
      code: 'conversion_failed',
      message: 'The document could not be converted to PDF. It may be corrupt or encrypted.',
    });
    const next = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${s.token}`)
      .attach('file', good, 'good.docx')
      .expect(202);
    assert.equal((await waitReady(t, s.token, next.body.id)).status, 'ready');
    assert.deepEqual(await t.tempFiles(), []);
  });
});

describe('a full conversion queue', () => {
  it('answers Office uploads past the pool and its queue with 429 at once, leaves no temp file, and still takes PDFs', async () => {
    const t = await startApp({ CONVERT_POOL_SIZE: '1', CONVERT_QUEUE_MAX: '0' });
    try {
      const s = await t.sender();
      const docx = fs.readFileSync(await fixture('docx', 1));
      const send = (name: string) =>
        request(t.url).post('/api/documents').set('authorization', `Bearer ${s.token}`).attach('file', docx, name);
      const answers = await Promise.all([send('a.docx'), send('b.docx')]);
      assert.deepEqual(answers.map((r) => r.status).sort(), [202, 429], 'the pool takes one, the empty queue none');
      const refused = answers.find((r) => r.status === 429)!;
      assert.equal(refused.body.error.code, 'conversion_queue_full');
      const accepted = answers.find((r) => r.status === 202)!;
      assert.equal((await waitReady(t, s.token, accepted.body.id)).status, 'ready');
      assert.deepEqual(await t.tempFiles(), []);
      await request(t.url)
        .post('/api/documents')
        .set('authorization', `Bearer ${s.token}`)
        .attach('file', makePdf(1), 'a.pdf')
        .expect(202);
    } finally {
      await t.close();
    }
  });
});
