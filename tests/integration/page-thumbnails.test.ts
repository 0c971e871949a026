// Per-page thumbnails (the analytics chart's hover card): made after ready for pages 1..PAGE_THUMBNAILS_MAX, each
// its own page, served to the document's owner only, removed with the document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { blobBytes, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { eventually } from '../helpers/wait.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** The document's pageThumbnails once the after-ready work has recorded it (a PDF's takes well under a second). */
async function thumbnailsOf(t: TestApp, token: string, id: string, expected: number): Promise<number> {
  return eventually(
    async () => {
      const doc = (await request(t.url).get(`/api/documents/${id}`).set('authorization', `Bearer ${token}`)).body;
      return doc.pageThumbnails === expected ? expected : null;
    },
    30_000,
    `${expected} page thumbnails recorded for ${id}`,
  );
}

describe('per-page thumbnails', () => {
  let t: TestApp;
  let ann: TestSender;
  let bob: TestSender;
  before(async () => {
    t = await startApp();
    ann = await t.sender();
    bob = await t.sender();
  });
  after(async () => t.close());

  it('are made for every page, each a JPEG of its own page, and served to the owner', async () => {
    const id = await uploadReady(t, ann.token, makePdf(5), 'five.pdf');
    await thumbnailsOf(t, ann.token, id, 5);
    const bodies: Buffer[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await request(t.url)
        .get(`/api/documents/${id}/pages/${page}/thumbnail`)
        .set('authorization', `Bearer ${ann.token}`)
        .expect(200);
      assert.equal(res.headers['content-type'], 'image/jpeg');
      assert.equal(res.headers['cache-control'], 'private, max-age=3600');
      assert.ok((res.body as Buffer).subarray(0, 3).equals(JPEG), `page ${page} is a JPEG`);
      bodies.push(res.body as Buffer);
    }
    // Each page shows its own number, so no two thumbnails are the same image.
    assert.equal(new Set(bodies.map((b) => b.toString('base64'))).size, 5);
  });

  it('answer 404 past the last page, 422 for a bad page, 401 without a token and 404 to another sender', async () => {
    const id = await uploadReady(t, ann.token, makePdf(2), 'two.pdf');
    await thumbnailsOf(t, ann.token, id, 2);
    const get = (path: string, token?: string) => {
      const r = request(t.url).get(path);
      return token ? r.set('authorization', `Bearer ${token}`) : r;
    };
    const beyond = await get(`/api/documents/${id}/pages/3/thumbnail`, ann.token).expect(404);
    assert.equal(beyond.body.error.code, 'not_found');
    for (const bad of ['0', '-1', 'abc', '1.5']) {
      const res = await get(`/api/documents/${id}/pages/${bad}/thumbnail`, ann.token).expect(422);
      assert.equal(res.body.error.code, 'validation_failed', `page ${bad}`);
    }
    await get(`/api/documents/${id}/pages/1/thumbnail`).expect(401);
    const foreign = await get(`/api/documents/${id}/pages/1/thumbnail`, bob.token).expect(404);
    assert.equal(foreign.body.error.code, 'not_found');
  });

  it('are removed with their document', async () => {
    const id = await uploadReady(t, ann.token, makePdf(3), 'three.pdf');
    await thumbnailsOf(t, ann.token, id, 3);
    assert.ok((await blobBytes(t, `docs/${id}/pages/3.jpg`)).subarray(0, 3).equals(JPEG));
    await request(t.url).delete(`/api/documents/${id}`).set('authorization', `Bearer ${ann.token}`).expect(204);
    for (let page = 1; page <= 3; page++) assert.equal(await t.blobs.stat(`docs/${id}/pages/${page}.jpg`), null);
  });
});

describe('PAGE_THUMBNAILS_MAX', () => {
  it('bounds how many pages get one; 0 makes none', async () => {
    for (const [max, expected] of [
      ['2', 2],
      ['0', 0],
    ] as const) {
      const t = await startApp({ PAGE_THUMBNAILS_MAX: max });
      try {
        const s = await t.sender();
        const id = await uploadReady(t, s.token, makePdf(4), 'four.pdf');
        // The first-page thumbnail is recorded in the same patch, so once it is there the count is final.
        await eventually(
          async () =>
            (await request(t.url).get(`/api/documents/${id}`).set('authorization', `Bearer ${s.token}`)).body
              .thumbnailUrl,
          30_000,
          `the after-ready work of ${id} (PAGE_THUMBNAILS_MAX=${max})`,
        );
        const doc = (await request(t.url).get(`/api/documents/${id}`).set('authorization', `Bearer ${s.token}`)).body;
        assert.equal(doc.pageThumbnails, expected);
        await request(t.url)
          .get(`/api/documents/${id}/pages/${expected + 1}/thumbnail`)
          .set('authorization', `Bearer ${s.token}`)
          .expect(404);
        assert.equal(await t.blobs.stat(`docs/${id}/pages/${expected + 1}.jpg`), null);
      } finally {
        await t.close();
      }
    }
  });
});
