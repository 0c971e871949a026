// Links and what a link holder reaches: the reader page, the PDF with byte ranges, downloads, revocation, expiry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makePdf } from '../helpers/pdf.ts';
import { blobBytes, startApp, uploadReady, waitReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { fileAccess } from '../helpers/sockets.ts';

let t: TestApp;
let alice: TestSender;
let bob: TestSender;
let docId: string;
let stored: Buffer;

const api = (token: string) => ({
  get: (p: string) => request(t.url).get(p).set('authorization', `Bearer ${token}`),
  post: (p: string, body: object = {}) => request(t.url).post(p).set('authorization', `Bearer ${token}`).send(body),
  del: (p: string) => request(t.url).delete(p).set('authorization', `Bearer ${token}`),
});

before(async () => {
  t = await startApp();
  alice = await t.sender();
  bob = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(4, { padBytes: 20_000 }), 'Board deck.pdf');
  stored = await blobBytes(t, `docs/${docId}/document.pdf`);
});
after(async () => t.close());

describe('links', () => {
  it('makes a per-recipient link: absolute URL under PUBLIC_URL, token of at least 128 bits', async () => {
    const res = await api(alice.token)
      .post(`/api/documents/${docId}/links`, { recipient: 'reader@example.org', allowDownload: false })
      .expect(201);
    assert.equal(res.body.recipient, 'reader@example.org');
    assert.equal(res.body.allowDownload, false);
    assert.ok(res.body.url.startsWith(`${t.url}/v/`));
    const token = res.body.url.split('/v/')[1];
    assert.ok(Buffer.from(token, 'base64url').length >= 16);
    const list = await api(alice.token).get(`/api/documents/${docId}/links`).expect(200);
    assert.ok(list.body.links.some((l: { id: string }) => l.id === res.body.id));
  });

  it('gives distinct tokens to each link', async () => {
    const urls = new Set<string>();
    for (let i = 0; i < 20; i++)
      urls.add((await api(alice.token).post(`/api/documents/${docId}/links`).expect(201)).body.url);
    assert.equal(urls.size, 20);
  });

  it('validates the body', async () => {
    const r1 = await api(alice.token).post(`/api/documents/${docId}/links`, { expiresAt: '2001-01-01T00:00:00Z' });
    assert.equal(r1.status, 422);
    assert.equal(r1.body.error.code, 'validation_failed');
    const r2 = await api(alice.token).post(`/api/documents/${docId}/links`, { allowDownload: 'yes' });
    assert.equal(r2.status, 422);
    const r3 = await request(t.url)
      .post(`/api/documents/${docId}/links`)
      .set('authorization', `Bearer ${alice.token}`)
      .set('content-type', 'application/json')
      .send('{"recipient": ');
    assert.equal(r3.status, 400);
    assert.equal(r3.body.error.code, 'invalid_json');
  });

  it("refuses to revoke or list another sender's links (404)", async () => {
    const link = (await api(alice.token).post(`/api/documents/${docId}/links`).expect(201)).body;
    assert.equal((await api(bob.token).del(`/api/links/${link.id}`)).status, 404);
    assert.equal((await api(bob.token).get(`/api/documents/${docId}/links`)).status, 404);
    await request(link.url)
      .get('/file')
      .set(await fileAccess(t.url, link.url.split('/v/')[1]))
      .expect(200);
  });
});

describe('serving to a link holder', () => {
  let url: string;
  /** The file token header of a live visit of `url`. */
  let access: Record<string, string>;
  before(async () => {
    url = (await api(alice.token).post(`/api/documents/${docId}/links`, { recipient: 'r@example.org' }).expect(201))
      .body.url;
    access = await fileAccess(t.url, url.split('/v/')[1]!);
  });

  it('serves the reader page with a strict Content-Security-Policy', async () => {
    const res = await request(url).get('').expect(200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    const csp = String(res.headers['content-security-policy']);
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"])
      assert.ok(csp.includes(d), d);
    assert.ok(!csp.includes("'unsafe-inline'"));
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(res.text, /Board deck\.pdf/);
    assert.doesNotMatch(res.text, /<script>/);
  });

  it('serves the whole PDF with safe headers', async () => {
    const res = await request(url)
      .get('/file')
      .set(access)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.ok(res.headers.etag);
    assert.ok(Buffer.compare(res.body as Buffer, stored) === 0);
  });

  const ranged = (range: string) =>
    request(url)
      .get('/file')
      .set(access)
      .set('range', range)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  it('answers byte ranges with 206 and the exact bytes', async () => {
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, stored.length - 1],
      ['bytes=-500', stored.length - 500, stored.length - 1],
      ['bytes=50-50', 50, 50],
    ] as const) {
      const res = await ranged(range).expect(206);
      assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${stored.length}`);
      assert.ok(Buffer.compare(res.body as Buffer, stored.subarray(start, end + 1)) === 0, range);
    }
  });

  it('answers 416 for a range past the end, and 304 for a matching ETag', async () => {
    const res = await ranged(`bytes=${stored.length + 10}-`).expect(416);
    assert.equal(res.headers['content-range'], `bytes */${stored.length}`);
    const head = await request(url).get('/file').set(access).expect(200);
    await request(url).get('/file').set(access).set('if-none-match', String(head.headers.etag)).expect(304);
  });

  it('downloads as an attachment only when the link allows it', async () => {
    const dl = await request(url).get('/download').expect(200);
    assert.match(
      String(dl.headers['content-disposition']),
      /^attachment; filename="Board deck\.pdf"; filename\*=UTF-8''Board%20deck\.pdf$/,
    );
    const noDl = (await api(alice.token).post(`/api/documents/${docId}/links`, { allowDownload: false }).expect(201))
      .body.url;
    const res = await request(noDl).get('/download').expect(403);
    assert.equal(res.body.error.code, 'download_disabled');
  });

  it('answers unknown tokens with 404 and the unavailable page', async () => {
    const res = await request(t.url).get('/v/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
    assert.match(res.text, /no longer available/);
    assert.equal((await request(t.url).get('/v/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/file')).status, 404);
    assert.equal((await request(t.url).get('/v/..%2F..%2Fetc%2Fpasswd/file')).status, 404);
  });

  it('stops serving a revoked link at once (410), for page, file and download', async () => {
    const link = (await api(alice.token).post(`/api/documents/${docId}/links`).expect(201)).body;
    const file = await fileAccess(t.url, link.url.split('/v/')[1]);
    await request(link.url).get('/file').set(file).expect(200);
    await api(alice.token).del(`/api/links/${link.id}`).expect(204);
    const page = await request(link.url).get('').expect(410);
    assert.match(page.text, /no longer available/);
    const gone = await request(link.url).get('/file').set(file).expect(410);
    assert.equal(gone.body.error.code, 'link_revoked');
    await request(link.url).get('/download').expect(410);
    const list = await api(alice.token).get(`/api/documents/${docId}/links`).expect(200);
    assert.ok(list.body.links.find((l: { id: string; revokedAt: string | null }) => l.id === link.id).revokedAt);
  });

  it('stops serving an expired link', async () => {
    const link = (
      await api(alice.token)
        .post(`/api/documents/${docId}/links`, { expiresAt: new Date(Date.now() + 3000).toISOString() })
        .expect(201)
    ).body;
    const file = await fileAccess(t.url, link.url.split('/v/')[1]);
    await request(link.url).get('/file').set(file).expect(200);
    await new Promise((r) => setTimeout(r, Date.parse(link.expiresAt) - Date.now() + 100));
    const res = await request(link.url).get('/file').set(file).expect(410);
    assert.equal(res.body.error.code, 'link_expired');
  });
});

describe('deleting a document', () => {
  it('removes its files, links and events', async () => {
    const res = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${alice.token}`)
      .attach('file', makePdf(1), 'gone.pdf')
      .expect(202);
    await waitReady(t, alice.token, res.body.id);
    const link = (await api(alice.token).post(`/api/documents/${res.body.id}/links`).expect(201)).body;
    await request(link.url).get('/download').expect(200);
    await api(alice.token).del(`/api/documents/${res.body.id}`).expect(204);
    await api(alice.token).get(`/api/documents/${res.body.id}`).expect(404);
    assert.equal((await request(link.url).get('/file')).status, 404);
    assert.equal(await t.blobs.stat(`docs/${res.body.id}/document.pdf`), null, 'its file is removed');
    const events = await t.db.selectFrom('events').select('id').where('document_id', '=', res.body.id).execute();
    assert.equal(events.length, 0);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    await request(t.url).get('/healthz').expect(200);
    const res = await request(t.url).get('/readyz').expect(200);
    assert.deepEqual(res.body.checks, { database: 'ok', storage: 'ok', converter: 'ok' });
  });
});
