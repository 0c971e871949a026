// Upload through the real app: type by bytes, refusals with stable codes, no temp files left, service still up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makePdf } from '../helpers/pdf.ts';
import { createLink, startApp, waitReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { docxSkeleton, makeZip } from '../helpers/zip.ts';

let t: TestApp;
let alice: TestSender;
let bob: TestSender;

before(async () => {
  t = await startApp({ MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) });
  alice = await t.sender();
  bob = await t.sender();
});
after(async () => t.close());

const upload = (token: string, data: Buffer, filename = 'file.bin', contentType = 'application/octet-stream') =>
  request(t.url)
    .post('/api/documents')
    .set('authorization', `Bearer ${token}`)
    .attach('file', data, { filename, contentType });

async function assertHealthyAndClean(): Promise<void> {
  await request(t.url).get('/healthz').expect(200);
  // Background ingest may still hold its own files briefly; uploads refused at the edge never leave any.
  for (let i = 0; i < 40 && (await t.tempFiles()).length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await t.tempFiles(), []);
}

function assertError(res: request.Response, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 5);
}

describe('authentication', () => {
  it('refuses a missing token with 401', async () => {
    assertError(await request(t.url).get('/api/documents'), 401, 'unauthorized');
  });
  it('refuses a bad token with 401', async () => {
    assertError(await request(t.url).get('/api/documents').set('authorization', 'Bearer pt_nope'), 401, 'unauthorized');
  });
  it('accepts a valid token', async () => {
    const res = await request(t.url).get('/api/documents').set('authorization', `Bearer ${alice.token}`).expect(200);
    assert.deepEqual(res.body, { documents: [] });
  });
});

describe('PDF upload', () => {
  it('accepts a PDF, answers processing at once, becomes ready with its page count', async () => {
    const res = await upload(alice.token, makePdf(5), 'Q3 plan.pdf', 'application/pdf').expect(202);
    assert.equal(res.body.status, 'processing');
    assert.equal(res.body.pageCount, null);
    assert.equal(res.body.name, 'Q3 plan.pdf');
    const doc = await waitReady(t, alice.token, res.body.id);
    assert.equal(doc.status, 'ready');
    assert.equal(doc.pageCount, 5);
    await assertHealthyAndClean();
  });

  it("hides one sender's document from another (404, as if missing)", async () => {
    const res = await upload(alice.token, makePdf(1), 'private.pdf').expect(202);
    const id = res.body.id;
    assertError(
      await request(t.url).get(`/api/documents/${id}`).set('authorization', `Bearer ${bob.token}`),
      404,
      'not_found',
    );
    assertError(
      await request(t.url).delete(`/api/documents/${id}`).set('authorization', `Bearer ${bob.token}`),
      404,
      'not_found',
    );
    assertError(
      await request(t.url).post(`/api/documents/${id}/links`).set('authorization', `Bearer ${bob.token}`).send({}),
      404,
      'not_found',
    );
    assertError(
      await request(t.url).get(`/api/documents/${id}/events`).set('authorization', `Bearer ${bob.token}`),
      404,
      'not_found',
    );
    const list = await request(t.url).get('/api/documents').set('authorization', `Bearer ${bob.token}`).expect(200);
    assert.equal(list.body.documents.length, 0);
    await request(t.url).get(`/api/documents/${id}`).set('authorization', `Bearer ${alice.token}`).expect(200);
  });
});

describe('refused uploads', () => {
  it('refuses a file type it does not take (415)', async () => {
    assertError(
      await upload(alice.token, Buffer.from('just some text\n'), 'notes.txt', 'text/plain'),
      415,
      'unsupported_file_type',
    );
    await assertHealthyAndClean();
  });

  it('decides by bytes, not by name or Content-Type: HTML named .pdf is refused', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    assertError(await upload(alice.token, html, 'invoice.pdf', 'application/pdf'), 415, 'unsupported_file_type');
    await assertHealthyAndClean();
  });

  it('accepts a PDF whatever its name says', async () => {
    const res = await upload(alice.token, makePdf(2), 'picture.png', 'image/png').expect(202);
    assert.equal((await waitReady(t, alice.token, res.body.id)).pageCount, 2);
  });

  it('refuses an empty file', async () => {
    assertError(await upload(alice.token, Buffer.alloc(0), 'empty.pdf'), 422, 'file_empty');
    await assertHealthyAndClean();
  });

  it('refuses a truncated PDF', async () => {
    const pdf = makePdf(6);
    assertError(await upload(alice.token, pdf.subarray(0, Math.floor(pdf.length / 2)), 'cut.pdf'), 422, 'pdf_invalid');
    await assertHealthyAndClean();
  });

  it('refuses a password-protected PDF', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-enc-'));
    fs.writeFileSync(path.join(dir, 'in.pdf'), makePdf(2));
    execFileSync('qpdf', [
      '--encrypt',
      'user-pw',
      'owner-pw',
      '256',
      '--',
      path.join(dir, 'in.pdf'),
      path.join(dir, 'out.pdf'),
    ]);
    assertError(
      await upload(alice.token, fs.readFileSync(path.join(dir, 'out.pdf')), 'locked.pdf'),
      422,
      'file_encrypted',
    );
    fs.rmSync(dir, { recursive: true, force: true });
    await assertHealthyAndClean();
  });

  it('refuses a zip bomb (1 GB declared) before conversion', async () => {
    const bomb = makeZip([
      ...docxSkeleton,
      { name: 'word/media/huge.bin', data: Buffer.alloc(1024 * 1024), declaredSize: 1024 * 1024 * 1024 },
    ]);
    assert.ok(bomb.length < 1.1 * 1024 * 1024);
    const started = Date.now();
    assertError(await upload(alice.token, bomb, 'bomb.docx'), 422, 'zip_bomb');
    assert.ok(Date.now() - started < 5000, 'refused without converting');
    assert.equal(t.converter.status().running, 0);
    await assertHealthyAndClean();
  });

  it('refuses a real high-ratio bomb whose sizes are honest', async () => {
    const bomb = makeZip([...docxSkeleton, { name: 'word/media/zeros.bin', data: Buffer.alloc(600 * 1024 * 1024) }]);
    assertError(await upload(alice.token, bomb, 'zeros.docx'), 422, 'zip_bomb');
    await assertHealthyAndClean();
  });

  it('refuses a zip with 20,000 entries before conversion', async () => {
    const many = makeZip([
      ...docxSkeleton,
      ...Array.from({ length: 20_000 }, (_, i) => ({ name: `word/x${i}.xml`, data: '', store: true })),
    ]);
    assertError(await upload(alice.token, many, 'many.docx'), 422, 'zip_bomb');
    await assertHealthyAndClean();
  });

  it('refuses a zip that is neither OOXML nor ODF', async () => {
    assertError(
      await upload(alice.token, makeZip([{ name: 'a.txt', data: 'hello' }]), 'a.docx'),
      415,
      'unsupported_file_type',
    );
  });

  it('refuses a corrupt zip', async () => {
    const z = makeZip(docxSkeleton);
    assertError(await upload(alice.token, z.subarray(0, z.length - 30), 'broken.docx'), 422, 'file_corrupt');
    await assertHealthyAndClean();
  });

  it('refuses an over-size upload with 413 and removes the partial file', async () => {
    assertError(await upload(alice.token, Buffer.alloc(5 * 1024 * 1024, 1), 'big.pdf'), 413, 'file_too_large');
    await assertHealthyAndClean();
  });

  it('refuses a request without the file field, or not multipart', async () => {
    const r1 = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${alice.token}`)
      .field('other', 'x');
    assertError(r1, 400, 'file_missing');
    const r2 = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${alice.token}`)
      .send({ file: 'x' });
    assertError(r2, 400, 'multipart_required');
    const r3 = await request(t.url)
      .post('/api/documents')
      .set('authorization', `Bearer ${alice.token}`)
      .attach('file', makePdf(1), 'a.pdf')
      .attach('file', makePdf(1), 'b.pdf');
    assertError(r3, 400, 'too_many_files');
    await assertHealthyAndClean();
  });

  it('cleans up after an upload aborted half-way, and the next request works', async () => {
    const boundary = 'ptboundary';
    const { port } = new URL(t.url);
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/documents',
        headers: {
          authorization: `Bearer ${alice.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(1024 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      );
      req.write(Buffer.alloc(200 * 1024, 7));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    await assertHealthyAndClean();
    await upload(alice.token, makePdf(1), 'after.pdf').expect(202);
  });

  it('stores names with path parts and CR/LF safely; download headers stay intact', async () => {
    const res = await upload(alice.token, makePdf(1), '../../etc/pass\r\nX-Evil: 1\r\nwd.pdf').expect(202);
    assert.equal(res.body.name, 'passX-Evil: 1wd.pdf');
    await waitReady(t, alice.token, res.body.id);
    const link = await createLink(t, alice.token, res.body.id);
    const dl = await request(link.url).get('/download').expect(200);
    assert.equal(dl.headers['x-evil'], undefined);
    assert.match(
      String(dl.headers['content-disposition']),
      /^attachment; filename="passX-Evil: 1wd\.pdf"; filename\*=UTF-8''passX-Evil%3A%201wd\.pdf$/,
    );
    const row = await t.db.selectFrom('documents').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    const keys = [row.original_key, row.pdf_key, row.thumbnail_key].filter(Boolean);
    assert.ok(keys.length >= 2, 'stored with its original and PDF');
    assert.ok(
      keys.every((k) => k!.startsWith(`docs/${res.body.id}/`) && !k!.includes('pass')),
      `stored under server-made keys: ${keys.join(', ')}`,
    );
  });

  it('keeps a non-ASCII name and encodes it per RFC 6266', async () => {
    const res = await upload(alice.token, makePdf(1), 'Präsentation Ü.pdf').expect(202);
    assert.equal(res.body.name, 'Präsentation Ü.pdf');
    await waitReady(t, alice.token, res.body.id);
    const link = await createLink(t, alice.token, res.body.id);
    const dl = await request(link.url).get('/download').expect(200);
    assert.match(String(dl.headers['content-disposition']), /filename\*=UTF-8''Pr%C3%A4sentation%20%C3%9C\.pdf/);
  });
});
