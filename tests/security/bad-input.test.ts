// The bad-input suite's first cases: hostile files, names and requests each get a clear answer (status, stable
// code), leave no temp file behind and the service healthy; one sender's ids mean nothing to another.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { createLink, startApp, uploadReady, waitReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { connectError, fileAccess, viewer } from '../helpers/sockets.ts';

/** Real damaged and hostile files from other projects' test suites (sources and licenses in SOURCES.tsv). */
const CORPUS = path.resolve(import.meta.dirname, '../fixtures/hostile');
let t: TestApp;
let alice: TestSender;
let bob: TestSender;
let docId: string;

before(async () => {
  t = await startApp();
  alice = await t.sender();
  bob = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(2), 'Mine.pdf');
});
after(async () => t.close());
// After every case: alive, and no upload left in the temp directory.
afterEach(async () => {
  await request(t.url).get('/healthz').expect(200);
  const deadline = Date.now() + 5000;
  while ((await t.tempFiles()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await t.tempFiles(), [], 'no temp files left');
});

const upload = (body: Buffer, name: string, token = alice.token) =>
  request(t.url).post('/api/documents').set('authorization', `Bearer ${token}`).attach('file', body, name);
const errorOf = (res: request.Response) => res.body?.error?.code as string | undefined;

describe('hostile files', () => {
  it('refuses SVG with script disguised as a PDF (415)', async () => {
    const res = await upload(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'invoice.pdf',
    );
    assert.equal(res.status, 415);
    assert.equal(errorOf(res), 'unsupported_file_type');
  });

  it('refuses a PDF header over an HTML body (polyglot) as an invalid PDF', async () => {
    const res = await upload(
      Buffer.from('%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n'),
      'poly.pdf',
    );
    assert.ok([415, 422].includes(res.status), `status ${res.status}`);
    assert.match(String(errorOf(res)), /^[a-z_]+$/);
  });

  it('refuses a file that says ODT but is not a zip', async () => {
    const res = await upload(fs.readFileSync(path.join(CORPUS, 'tika__testODTnotaZipFile.odt')), 'notes.odt');
    assert.equal(res.status, 415);
  });

  for (const name of [
    'pdfjs__issue15590.pdf',
    'pdfjs__issue9105_other.pdf',
    'pdfjs__Pages-tree-refs.pdf',
    'pdfjs__bomb_giant.pdf',
  ]) {
    it(`damaged or hostile PDF ${name}: refused or processed, never stuck`, async () => {
      const res = await upload(fs.readFileSync(path.join(CORPUS, name)), name);
      if (res.status !== 202) {
        assert.ok([415, 422].includes(res.status), `status ${res.status}`);
        assert.match(String(errorOf(res)), /^[a-z_]+$/);
        return;
      }
      const doc = await waitReady(t, alice.token, res.body.id, 120_000);
      assert.ok(
        doc.status === 'ready' ||
          (doc.status === 'failed' && /^[a-z_]+$/.test(String((doc.error as { code: string }).code))),
        JSON.stringify(doc),
      );
    });
  }

  it('refuses an encrypted PDF with file_encrypted', async () => {
    const res = await upload(fs.readFileSync(path.join(CORPUS, 'pypdf__encrypted-file.pdf')), 'locked.pdf');
    assert.equal(res.status, 422);
    assert.equal(errorOf(res), 'file_encrypted');
  });
});

describe('hostile requests', () => {
  it('a multipart body cut off mid-file answers 400 and leaves nothing', async () => {
    const boundary = 'xBOUNDARYx';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 truncated`;
    const res = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${alice.token}`)
      .set('content-type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    assert.equal(res.status, 400);
    assert.match(String(errorOf(res)), /^[a-z_]+$/);
  });

  it('thousands of form fields are refused before any file is read', async () => {
    let r = request(t.url).post('/api/documents').set('authorization', `Bearer ${alice.token}`);
    for (let i = 0; i < 2000; i++) r = r.field(`f${i}`, 'x');
    const res = await r.attach('file', makePdf(1), 'a.pdf');
    assert.equal(res.status, 400);
    assert.ok(['too_many_fields', 'too_many_parts'].includes(String(errorOf(res))), String(errorOf(res)));
  });

  it('a client that goes away mid-upload leaves no temp file, and the next upload works', async () => {
    const { port } = new URL(t.url);
    const boundary = 'abortabort';
    await new Promise<void>((resolve) => {
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        sock.write(
          `POST /api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${alice.token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n`,
        );
        sock.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n${'x'.repeat(100_000)}`,
        );
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, 200);
      });
      sock.on('error', () => resolve());
    });
    assert.equal((await upload(makePdf(1), 'after.pdf')).status, 202);
  });

  it('malformed JSON answers 400 invalid_json; a body over the limit 413', async () => {
    const bad = await request(t.url)
      .post(`/api/documents/${docId}/links`)
      .set('authorization', `Bearer ${alice.token}`)
      .set('content-type', 'application/json')
      .send('{"recipient":');
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad), 'invalid_json');
    const big = await request(t.url)
      .post(`/api/documents/${docId}/links`)
      .set('authorization', `Bearer ${alice.token}`)
      .send({ recipient: 'x'.repeat(100_000) });
    assert.equal(big.status, 413);
  });

  it('CR/LF or NUL in a recipient is refused (no header or log injection)', async () => {
    for (const recipient of ['a@example.org\r\nBcc: all@example.org', 'a@example.org\u0000', 'a\u2028b@example.org']) {
      const res = await request(t.url)
        .post(`/api/documents/${docId}/links`)
        .set('authorization', `Bearer ${alice.token}`)
        .send({ recipient });
      assert.equal(res.status, 422, JSON.stringify(recipient));
    }
  });

  it('script in a file name is only text on the reader page', async () => {
    const id = await uploadReady(t, alice.token, makePdf(1), '<img src=x onerror=alert(1)>.pdf');
    const link = await createLink(t, alice.token, id);
    const html = (await request(link.url).get('').expect(200)).text;
    assert.ok(!html.includes('<img src=x'), 'not markup');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('a 300-character name with bidi overrides is stored shortened and without them', async () => {
    const name = `\u202Eevil${'n'.repeat(300)}.pdf`;
    const res = await upload(makePdf(1), name);
    assert.equal(res.status, 202);
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(res.body.name));
    assert.ok([...res.body.name].length <= 200);
  });

  it('paths out of /assets are not served', async () => {
    for (const p of [
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/server/config.ts',
      '/assets/....//package.json',
    ]) {
      const res = await request(t.url).get(p).set('accept-encoding', 'br');
      assert.ok([400, 403, 404].includes(res.status), `${p}: ${res.status}`);
      assert.ok(!res.text?.includes('"dependencies"'));
    }
  });

  it('odd byte ranges: past the end 416 with JSON, reversed 416, several ranges the whole file', async () => {
    const link = await createLink(t, alice.token, docId);
    const access = await fileAccess(t.url, link.token);
    const past = await request(link.url).get('/file').set(access).set('range', 'bytes=99999999-');
    assert.equal(past.status, 416);
    assert.equal(errorOf(past), 'range_not_satisfiable');
    assert.equal((await request(link.url).get('/file').set(access).set('range', 'bytes=50-10')).status, 416);
    assert.equal((await request(link.url).get('/file').set(access).set('range', 'bytes=0-1,5-9')).status, 200);
  });

  it('a beacon with a malformed or oversized body is refused without storing anything', async () => {
    const link = await createLink(t, alice.token, docId);
    assert.equal(
      (await request(link.url).post('/beacon').set('content-type', 'text/plain').send('x'.repeat(20_000))).status,
      413,
    );
    assert.equal(
      (
        await request(link.url)
          .post('/beacon')
          .send({ visitId: `vis_${'A'.repeat(500)}`, events: [] })
      ).status,
      400,
    );
    assert.equal((await t.db.selectFrom('events').select('id').where('link_id', '=', link.id).execute()).length, 0);
  });
});

describe('other senders and dead credentials', () => {
  it('foreign ids answer 404 on every route', async () => {
    const link = await createLink(t, alice.token, docId);
    const [tok] = (await request(t.url).get('/api/tokens').set('authorization', `Bearer ${alice.token}`)).body.tokens;
    const as = (method: 'get' | 'post' | 'delete', p: string) =>
      request(t.url)[method](p).set('authorization', `Bearer ${bob.token}`);
    for (const [method, p] of [
      ['get', `/api/documents/${docId}`],
      ['delete', `/api/documents/${docId}`],
      ['get', `/api/documents/${docId}/thumbnail`],
      ['get', `/api/documents/${docId}/links`],
      ['post', `/api/documents/${docId}/links`],
      ['delete', `/api/links/${link.id}`],
      ['get', `/api/documents/${docId}/events`],
      ['get', `/api/documents/${docId}/analytics`],
      ['get', `/api/documents/${docId}/visits`],
      ['delete', `/api/tokens/${tok.id}`],
    ] as const) {
      const res = await as(method, p);
      assert.equal(res.status, 404, `${method} ${p}`);
    }
    await request(link.url).get('').expect(200);
  });

  it('cookie-authenticated changes without the CSRF header are refused on every mutating route', async () => {
    const signIn = await request(t.url)
      .post('/api/session')
      .send({ email: alice.email, password: alice.password })
      .expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const link = await createLink(t, alice.token, docId);
    for (const [method, p] of [
      ['post', `/api/documents/${docId}/links`],
      ['delete', `/api/links/${link.id}`],
      ['delete', `/api/documents/${docId}`],
      ['post', '/api/tokens'],
    ] as const) {
      const res = await request(t.url)
        [method](p)
        .set('cookie', cookie)
        .set('content-type', 'application/json')
        .send('{}');
      assert.equal(res.status, 403, `${method} ${p}`);
      assert.equal(errorOf(res), 'csrf_check_failed');
    }
    await request(link.url).get('').expect(200);
  });

  it('an expired session cookie is a plain 401', async () => {
    const signIn = await request(t.url)
      .post('/api/session')
      .send({ email: alice.email, password: alice.password })
      .expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    await t.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('sender_id', '=', alice.id)
      .execute();
    const res = await request(t.url).get('/api/me').set('cookie', cookie);
    assert.equal(res.status, 401);
    assert.equal(errorOf(res), 'unauthorized');
  });

  it('a revoked link opens nothing: page, file, beacon and a reconnecting viewer', async () => {
    const link = await createLink(t, alice.token, docId);
    await request(t.url).delete(`/api/links/${link.id}`).set('authorization', `Bearer ${alice.token}`).expect(204);
    await request(link.url).get('').expect(410);
    await request(link.url).get('/file').expect(410);
    assert.equal(
      (
        await request(link.url)
          .post('/beacon')
          .send({ visitId: `vis_${'A'.repeat(22)}`, events: [{ id: 'abcdefgh', page: 1, durationMs: 1 }] })
      ).status,
      410,
    );
    const v = viewer(t.url, { token: link.token, visitId: `vis_${'A'.repeat(22)}` });
    try {
      assert.equal((await connectError(v as never)).data?.code, 'link_unavailable');
    } finally {
      v.close();
    }
  });
});
