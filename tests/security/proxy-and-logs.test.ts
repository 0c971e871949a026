// Holes 2, 3 and 9 (logs): forwarded addresses read from the right by a hop count or proxy list; no memory or log
// growth from unauthenticated URLs; link tokens kept out of the log however the path is spelled.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createLink, startApp, uploadReady, type TestApp } from '../helpers/app.ts';
import { captureLogs } from '../helpers/logs.ts';
import { makePdf } from '../helpers/pdf.ts';
import { started, viewer } from '../helpers/sockets.ts';

async function placeOf(t: TestApp, forwardedFor: string): Promise<string | null> {
  const s = await t.sender();
  const doc = await uploadReady(t, s.token, makePdf(1), 'a.pdf');
  const link = await createLink(t, s.token, doc);
  const v = viewer(t.url, { token: link.token }, { 'x-forwarded-for': forwardedFor });
  try {
    const visit = await started(v);
    const row = await t.db
      .selectFrom('visits')
      .select('location')
      .where('id', '=', visit.visitId)
      .executeTakeFirstOrThrow();
    return row.location ? JSON.parse(row.location).country : null;
  } finally {
    v.close();
  }
}

describe('TRUST_PROXY', () => {
  it("true is one hop: a forged leftmost X-Forwarded-For entry is ignored for the visit's place", async () => {
    const t = await startApp({ TRUST_PROXY: 'true' });
    try {
      // The client wrote 81.2.69.142 (GB); the proxy appended the real address, 10.0.0.7 (private: no place).
      assert.equal(await placeOf(t, '81.2.69.142, 10.0.0.7'), null);
      assert.equal(await placeOf(t, '10.0.0.7, 81.2.69.142'), 'GB');
    } finally {
      await t.close();
    }
  });

  it('a forged leftmost entry does not escape the sign-in limit', async () => {
    const t = await startApp({ TRUST_PROXY: 'true', SIGNIN_ATTEMPTS_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await request(t.url)
          .post('/api/session')
          .set('x-forwarded-for', `198.51.100.${i}, 203.0.113.9`)
          .send({ email: 'nobody@example.org', password: 'wrong password' });
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      // Another client behind the same proxy is not held back.
      const other = await request(t.url)
        .post('/api/session')
        .set('x-forwarded-for', '203.0.113.10')
        .send({ email: 'nobody@example.org', password: 'wrong password' });
      assert.equal(other.status, 401);
    } finally {
      await t.close();
    }
  });

  it('a hop count takes the entry that many proxies from the right', async () => {
    const t = await startApp({ TRUST_PROXY: '2' });
    try {
      assert.equal(await placeOf(t, '10.9.9.9, 81.2.69.142, 10.0.0.1'), 'GB');
    } finally {
      await t.close();
    }
  });

  it('a list of proxy addresses trusts only those peers', async () => {
    const trusted = await startApp({ TRUST_PROXY: '127.0.0.1/8, 10.0.0.0/8' });
    const other = await startApp({ TRUST_PROXY: '192.0.2.1' });
    try {
      assert.equal(await placeOf(trusted, '81.2.69.142, 10.0.0.1'), 'GB', 'both hops are trusted proxies');
      assert.equal(await placeOf(other, '81.2.69.142'), null, 'loopback is not in the list: the header is ignored');
    } finally {
      await trusted.close();
      await other.close();
    }
  });

  it('rejects a value that is neither a boolean, a count nor addresses', () => {
    assert.throws(
      () => loadConfig({ TRUST_PROXY: 'sometimes' }),
      (e: unknown) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message),
    );
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY, false);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY, ['loopback', '10.0.0.0/8']);
  });
});

describe('unauthenticated URLs', () => {
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  before(async () => {
    logs = captureLogs('info');
    t = await startApp({}, { logger: logs.logger });
  });
  after(async () => t.close());

  it('asset requests for unknown paths never touch the filesystem for Brotli copies (nothing is cached per path)', async () => {
    const real = fs.existsSync;
    let probes = 0;
    fs.existsSync = ((p: fs.PathLike) => (probes++, real(p))) as typeof fs.existsSync;
    try {
      for (let i = 0; i < 300; i++) {
        await request(t.url)
          .get(`/assets/${'x'.repeat(200)}${i}.js`)
          .set('accept-encoding', 'br')
          .expect(404);
      }
    } finally {
      fs.existsSync = real;
    }
    assert.equal(probes, 0);
    // Known files still come Brotli-compressed.
    const known = await request(t.url)
      .get('/assets/reader.js')
      .set('accept-encoding', 'br')
      .buffer(true)
      .parse((res, cb) => {
        res.on('data', () => {});
        res.on('end', () => cb(null, null));
      });
    assert.equal(known.status, 200);
    assert.equal(known.headers['content-encoding'], 'br');
  });

  it('logs at most 512 characters of a URL', async () => {
    const long = `/nothing/${'a'.repeat(8000)}`;
    await request(t.url).get(long).expect(404);
    const line = logs.lines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'request' && String(l.url).startsWith('/nothing/'));
    assert.ok(line, 'request logged');
    assert.ok(line.url.length <= 513, `logged ${line.url.length} characters`);
  });

  it('keeps link tokens out of the log in every spelling the router accepts', async () => {
    const s = await t.sender();
    const doc = await uploadReady(t, s.token, makePdf(1), 'a.pdf');
    const link = await createLink(t, s.token, doc);
    const tok = link.token;
    const spelled = [
      `/v/${tok}`,
      `/V/${tok}`,
      `/v/${tok}/FILE`,
      `/v/%${tok.charCodeAt(0).toString(16)}${tok.slice(1)}`,
      `//v/${tok}/nothing`,
      `/v/${tok}?x=1`,
    ];
    for (const p of spelled) await request(t.url).get(p);
    const logged = logs.lines.join('\n');
    assert.ok(!logged.includes(tok), 'the token is not in the log');
    assert.ok(!logged.includes(tok.slice(1)), 'nor its tail after a percent-encoded first character');
    assert.ok(logged.includes('/v/:token'), 'the route is logged, redacted');
  });
});
