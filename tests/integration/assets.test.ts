// The viewer's static files: Brotli when accepted (same bytes once decoded), plain otherwise, nothing outside.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { after, before, it } from 'node:test';
import request from 'supertest';
import { build } from '../../viewer/build.ts';
import { startApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  await build({ minify: true });
  t = await startApp();
});
after(async () => t.close());

const raw = (req: request.Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

it('sends the Brotli copy to browsers that accept it, and the plain file to others', async () => {
  const original = fs.readFileSync(path.resolve('viewer/public/build/pdf.worker.min.mjs'));
  const br = await raw(
    request(t.url).get('/assets/pdf.worker.min.mjs').set('accept-encoding', 'gzip, deflate, br'),
  ).expect(200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.match(String(br.headers['content-type']), /javascript/);
  assert.match(String(br.headers.vary), /Accept-Encoding/);
  // The client decodes the body; the length on the wire is the compressed one.
  assert.ok(Number(br.headers['content-length']) < original.length / 2);
  assert.equal(
    Number(br.headers['content-length']),
    fs.statSync(path.resolve('viewer/public/build/pdf.worker.min.mjs.br')).size,
  );
  assert.ok(
    brotliDecompressSync(fs.readFileSync(path.resolve('viewer/public/build/pdf.worker.min.mjs.br'))).equals(original),
  );
  assert.ok((br.body as Buffer).equals(original));
  const plain = await raw(request(t.url).get('/assets/pdf.worker.min.mjs').set('accept-encoding', 'gzip')).expect(200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok((plain.body as Buffer).equals(original));
});

it('serves nothing outside the build folder', async () => {
  for (const p of ['/assets/../server/config.ts', '/assets/%2e%2e/%2e%2e/package.json', '/assets/nope.js']) {
    const res = await request(t.url).get(p).set('accept-encoding', 'br');
    assert.ok([403, 404].includes(res.status), `${p}: ${res.status}`);
    assert.ok(res.body.error.code, 'a JSON error');
    assert.doesNotMatch(res.text, /settings|pagetrail"/);
  }
});
