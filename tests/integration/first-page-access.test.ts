// The image of page 1 the reader paints first is the document's first page: it must be refused exactly when the PDF
// is (no visit token, another link's token, a revoked or expired link, a passcode not given) and never be cached
// by anyone but the reader's own browser for this response.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { connectError, fileAccess, liveVisit, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let alice: TestSender;
let docId: string;

before(async () => {
  t = await startApp();
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(3, { padBytes: 5_000 }), 'Quarterly.pdf');
  // Made after `ready`, in the background.
  await eventually(() => t.blobs.stat(`docs/${docId}/first-page.jpg`), 60_000, 'the stored page-1 image');
});
after(async () => t.close());

/** The status (and error code) of the file and of the page-1 image with the same headers. */
async function both(linkUrl: string, headers: Record<string, string>) {
  const [file, image] = await Promise.all(
    ['/file', '/first-page'].map((p) => request(linkUrl).get(p).set(headers).set('range', 'bytes=0-1023')),
  );
  return { file: file!, image: image! };
}

function sameRefusal(r: Awaited<ReturnType<typeof both>>, status: number, code: string) {
  assert.equal(r.file.status, status, `file: ${r.file.status} ${JSON.stringify(r.file.body)}`);
  assert.equal(r.image.status, status, `page-1 image: ${r.image.status} ${JSON.stringify(r.image.body)}`);
  assert.equal(r.file.body.error.code, code);
  assert.equal(r.image.body.error.code, code);
  assert.notEqual(r.image.headers['content-type'], 'image/jpeg');
}

describe('the page-1 image', () => {
  it('is served with a live visit file token, as a JPEG that no cache keeps', async () => {
    const link = await createLink(t, alice.token, docId);
    const r = await both(link.url, await fileAccess(t.url, link.token));
    assert.equal(r.file.status, 206);
    assert.ok([200, 206].includes(r.image.status), `page-1 image: ${r.image.status}`);
    assert.equal(r.image.headers['content-type'], 'image/jpeg');
    assert.equal(r.image.headers['cache-control'], 'private, no-store');
    const whole = await request(link.url)
      .get('/first-page')
      .set(await fileAccess(t.url, link.token))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const body = whole.body as Buffer;
    assert.deepEqual([...body.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    assert.ok(body.length > 1000, `a real image (${body.length} bytes)`);
  });

  it('is refused without a visit token, or with another link token, exactly as the file is', async () => {
    const link = await createLink(t, alice.token, docId);
    const other = await createLink(t, alice.token, docId);
    sameRefusal(await both(link.url, {}), 403, 'file_token_invalid');
    sameRefusal(await both(link.url, await fileAccess(t.url, other.token)), 403, 'file_token_invalid');
    sameRefusal(await both(link.url, { 'x-pagetrail-file': 'not-a-token' }), 403, 'file_token_invalid');
  });

  it('is refused once the link is revoked, with the token it had', async () => {
    const link = await createLink(t, alice.token, docId);
    const access = await fileAccess(t.url, link.token);
    assert.equal((await both(link.url, access)).image.status, 206);
    await request(t.url).delete(`/api/links/${link.id}`).set('authorization', `Bearer ${alice.token}`).expect(204);
    sameRefusal(await both(link.url, access), 410, 'link_revoked');
  });

  it('is refused once the link has expired, with the token it had', async () => {
    const link = await createLink(t, alice.token, docId, { expiresAt: new Date(Date.now() + 3000).toISOString() });
    const access = await fileAccess(t.url, link.token);
    assert.equal((await both(link.url, access)).image.status, 206);
    const expiresAt = (
      await request(t.url).get(`/api/documents/${docId}/links`).set('authorization', `Bearer ${alice.token}`)
    ).body.links.find((l: { id: string }) => l.id === link.id).expiresAt as string;
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 200));
    sameRefusal(await both(link.url, access), 410, 'link_expired');
  });

  it('stays out of reach behind a passcode until it is given', async () => {
    const link = await createLink(t, alice.token, docId, { passcode: 'green lantern 9' });
    // No passcode: the socket gives no visit, so there is no token to send.
    const refused = viewer(t.url, { token: link.token });
    assert.equal((await connectError(refused)).data?.code, 'access_required');
    refused.close();
    sameRefusal(await both(link.url, {}), 403, 'file_token_invalid');
    // The passcode given: the gate's cookie, the reader page's ticket, a visit, a token.
    const agent = request.agent(t.url);
    await agent
      .post(`/v/${link.token}/access/passcode`)
      .type('form')
      .send({ passcode: 'green lantern 9' })
      .expect((res) => assert.ok(res.status < 400, `passcode answered ${res.status}`));
    const page = await agent.get(`/v/${link.token}`).expect(200);
    const ticket = /data-ticket="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(ticket, 'the reader page carries an entry ticket');
    const { socket, info } = await liveVisit(t.url, { token: link.token, ticket });
    socket.close();
    const r = await both(link.url, { 'x-pagetrail-file': info.fileToken });
    assert.equal(r.file.status, 206);
    assert.equal(r.image.status, 206);
  });

  it('is removed with its document', async () => {
    const id = await uploadReady(t, alice.token, makePdf(2, { padBytes: 2_000 }), 'Short-lived.pdf');
    const key = `docs/${id}/first-page.jpg`;
    await eventually(() => t.blobs.stat(key), 60_000, 'the stored page-1 image');
    await request(t.url).delete(`/api/documents/${id}`).set('authorization', `Bearer ${alice.token}`).expect(204);
    await eventually(async () => (await t.blobs.stat(key)) === null, 10_000, 'the page-1 image removed');
  });
});

/** The reader page's page token, when the page carries one. */
const pageTokenOf = (html: string) => /data-page-token="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

describe("the reader page's page token", () => {
  it('fetches the page-1 image before any visit, and nothing else: not the file, not on another link', async () => {
    const link = await createLink(t, alice.token, docId);
    const other = await createLink(t, alice.token, docId);
    const page = await request(link.url).get('').expect(200);
    const token = pageTokenOf(page.text);
    assert.ok(token && token.length >= 40, 'a page token with room for 128 random bits and its seal');
    const image = await request(link.url).get('/first-page').set('x-pagetrail-file', token).expect(200);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    assert.equal(image.headers['cache-control'], 'private, no-store');
    const file = await request(link.url).get('/file').set('x-pagetrail-file', token).set('range', 'bytes=0-1023');
    assert.equal(file.status, 403);
    assert.equal(file.body.error.code, 'file_token_invalid');
    sameRefusal(await both(other.url, { 'x-pagetrail-file': token }), 403, 'file_token_invalid');
    const visits = await t.db.selectFrom('visits').select('id').where('link_id', '=', link.id).execute();
    assert.deepEqual(visits, [], 'the page and its image open no visit');
  });

  it('is refused once the link is revoked, and once it has expired', async () => {
    const link = await createLink(t, alice.token, docId);
    const token = pageTokenOf((await request(link.url).get('').expect(200)).text)!;
    await request(t.url).delete(`/api/links/${link.id}`).set('authorization', `Bearer ${alice.token}`).expect(204);
    const revoked = await request(link.url).get('/first-page').set('x-pagetrail-file', token);
    assert.equal(revoked.status, 410);
    assert.notEqual(revoked.headers['content-type'], 'image/jpeg');
    const live = await createLink(t, alice.token, docId);
    const { AccessPasses } = await import('../../server/access/passes.ts');
    const { Sealer } = await import('../../storage/sealer.ts');
    const passes = new AccessPasses(Sealer.forDataDir(t.dataDir, 'link access'));
    const stale = await request(live.url)
      .get('/first-page')
      .set('x-pagetrail-file', passes.sealPage(live.id, Date.now() - 1000));
    assert.equal(stale.status, 403);
    assert.equal(stale.body.error.code, 'file_token_expired');
    const fresh = passes.sealPage(live.id, Date.now() + 60_000);
    assert.equal((await request(live.url).get('/first-page').set('x-pagetrail-file', fresh)).status, 200);
  });

  it("is refused once the link's own expiry has passed, while the token itself is still young", async () => {
    const link = await createLink(t, alice.token, docId, { expiresAt: new Date(Date.now() + 3000).toISOString() });
    const token = pageTokenOf((await request(link.url).get('').expect(200)).text);
    assert.ok(token, 'the reader page carries a page token');
    const expiresAt = (
      await request(t.url).get(`/api/documents/${docId}/links`).set('authorization', `Bearer ${alice.token}`)
    ).body.links.find((l: { id: string }) => l.id === link.id).expiresAt as string;
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 200));
    const r = await request(link.url).get('/first-page').set('x-pagetrail-file', token);
    assert.equal(r.status, 410);
    assert.equal(r.body.error.code, 'link_expired');
    assert.notEqual(r.headers['content-type'], 'image/jpeg');
  });

  it('is refused when altered, or sealed for another link', async () => {
    const link = await createLink(t, alice.token, docId);
    const other = await createLink(t, alice.token, docId);
    const token = pageTokenOf((await request(link.url).get('').expect(200)).text)!;
    // A character in the middle: the last one of base64url may carry only padding bits, which decoding ignores.
    const mid = Math.floor(token.length / 2);
    const altered = `${token.slice(0, mid)}${token[mid] === 'A' ? 'B' : 'A'}${token.slice(mid + 1)}`;
    for (const bad of [altered, token.slice(0, 20), 'not-a-token']) {
      const r = await request(link.url).get('/first-page').set('x-pagetrail-file', bad);
      assert.equal(r.status, 403, `altered token ${bad.slice(0, 12)}…: ${r.status}`);
      assert.equal(r.body.error.code, 'file_token_invalid');
    }
    const { AccessPasses } = await import('../../server/access/passes.ts');
    const { Sealer } = await import('../../storage/sealer.ts');
    const passes = new AccessPasses(Sealer.forDataDir(t.dataDir, 'link access'));
    const sealedForOther = passes.sealPage(other.id, Date.now() + 60_000);
    const r = await request(link.url).get('/first-page').set('x-pagetrail-file', sealedForOther);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'file_token_invalid');
    assert.equal((await request(other.url).get('/first-page').set('x-pagetrail-file', sealedForOther)).status, 200);
  });

  it('is not in a gate page, and comes with the reader page once the passcode is given', async () => {
    const link = await createLink(t, alice.token, docId, { passcode: 'blue lantern 4' });
    const gate = await request(link.url).get('');
    assert.equal(pageTokenOf(gate.text), undefined, 'no page token behind the passcode');
    const agent = request.agent(t.url);
    await agent
      .post(`/v/${link.token}/access/passcode`)
      .type('form')
      .send({ passcode: 'blue lantern 4' })
      .expect((res) => assert.ok(res.status < 400, `passcode answered ${res.status}`));
    const token = pageTokenOf((await agent.get(`/v/${link.token}`).expect(200)).text);
    assert.ok(token, 'the reader page carries a page token');
    assert.equal((await request(link.url).get('/first-page').set('x-pagetrail-file', token)).status, 200);
  });

  it('is not given on a link whose view limit is reached', async () => {
    const link = await createLink(t, alice.token, docId, { maxViews: 1 });
    const { socket } = await liveVisit(t.url, { token: link.token });
    socket.close();
    const page = await request(link.url).get('');
    assert.notEqual(page.status, 200);
    assert.equal(pageTokenOf(page.text), undefined);
  });

  it('is never given on a watermarked link, whose image is not served even with a visit token', async () => {
    const link = await createLink(t, alice.token, docId, { watermark: true });
    assert.equal(pageTokenOf((await request(link.url).get('').expect(200)).text), undefined);
    const r = await both(link.url, await fileAccess(t.url, link.token));
    assert.equal(r.file.status, 206);
    assert.equal(r.image.status, 204);
    assert.notEqual(r.image.headers['content-type'], 'image/jpeg');
    assert.equal(r.image.body.length ?? 0, 0);
  });
});
