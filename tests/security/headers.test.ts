// Section 4 and hole 10: security headers on every response from one place, HSTS only over HTTPS, no caching of
// API answers, no public source maps, deadlines for slow requests, bidi controls kept out of recipients.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';

let t: TestApp;
let alice: TestSender;
let docId: string;

before(async () => {
  t = await startApp({ TRUST_PROXY: 'true', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(1), 'Plan.pdf');
});
after(async () => t.close());

describe('headers', () => {
  it('every kind of response carries the base headers', async () => {
    const link = await createLink(t, alice.token, docId);
    for (const [url, status] of [
      [`${t.url}/healthz`, 200],
      [`${t.url}/api/me`, 401],
      [`${t.url}/assets/reader.js`, 200],
      [link.url, 200],
      [`${link.url}/file`, 403],
      [`${t.url}/nothing`, 404],
    ] as const) {
      const res = await request(url).get('');
      assert.equal(res.status, status, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin', url);
      assert.equal(res.headers['strict-transport-security'], undefined, `${url}: no HSTS over plain HTTP`);
    }
  });

  it('API answers, errors included and in any case spelling, are never cached', async () => {
    for (const p of ['/api/documents', '/api/me', '/API/documents', `/api/documents/${docId}/events`]) {
      const res = await request(t.url).get(p).set('authorization', `Bearer ${alice.token}`);
      assert.equal(res.headers['cache-control'], 'no-store', p);
    }
    assert.equal((await request(t.url).get('/api/nothing')).headers['cache-control'], 'no-store');
  });

  it("sends HSTS over HTTPS (a trusted proxy's X-Forwarded-Proto) and when PUBLIC_URL is https", async () => {
    const res = await request(t.url).get('/healthz').set('x-forwarded-proto', 'https');
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d{7,}/);
    // Without a trusted proxy, X-Forwarded-Proto is not believed…
    const direct = await startApp();
    try {
      assert.equal(
        (await request(direct.url).get('/healthz').set('x-forwarded-proto', 'https')).headers[
          'strict-transport-security'
        ],
        undefined,
      );
    } finally {
      await direct.close();
    }
    // …but a service whose public address is https (TLS ended in front of it) always asks for HTTPS.
    const behindTls = await startApp({ PUBLIC_URL: 'https://docs.example.org' });
    try {
      assert.match(
        String((await request(behindTls.url).get('/healthz')).headers['strict-transport-security']),
        /max-age=/,
      );
    } finally {
      await behindTls.close();
    }
  });

  it('pages keep a strict Content-Security-Policy', async () => {
    const csp = String((await request(t.url).get('/')).headers['content-security-policy']);
    for (const d of [
      "default-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "script-src 'self'",
    ])
      assert.ok(csp.includes(d), d);
    assert.ok(!csp.includes("'unsafe-inline'"));
  });

  it('source maps are not served unless SERVE_SOURCE_MAPS is on', async () => {
    const res = await request(t.url).get('/assets/reader.js.map').expect(404);
    assert.equal(res.body.error.code, 'not_found');
    const dev = await startApp({ SERVE_SOURCE_MAPS: 'true' });
    try {
      await request(dev.url).get('/assets/reader.js.map').expect(200);
    } finally {
      await dev.close();
    }
  });
});

/** Opens a raw connection, writes `first`, then nothing more; resolves with what the server did and when. */
function stall(first: string, boundMs: number): Promise<{ closedAfterMs: number; reply: string }> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let reply = '';
    const sock = net.connect(Number(port), '127.0.0.1', () => sock.write(first));
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`the server kept a stalled request open for ${boundMs} ms`));
    }, boundMs);
    sock.on('data', (d) => (reply += d));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - started, reply });
    });
    sock.on('error', () => {});
  });
}

describe('request deadlines', () => {
  it('closes a connection that never finishes its headers', async () => {
    const r = await stall('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 15_000);
    assert.match(r.reply, /^HTTP\/1\.1 408/);
  });

  it('closes a request whose body never arrives', async () => {
    const r = await stall(
      `POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`,
      15_000,
    );
    assert.ok(r.closedAfterMs < 15_000);
    await request(t.url).get('/healthz').expect(200);
  });
});

describe('recipients', () => {
  it('bidi controls are stripped: the feed and dashboard read the address as it is', async () => {
    const link = await createLink(t, alice.token, docId, { recipient: '\u202Egro.elpmaxe@\u2066ana\u2069\u200F' });
    const listed = await request(t.url)
      .get(`/api/documents/${docId}/links`)
      .set('authorization', `Bearer ${alice.token}`)
      .expect(200);
    const stored = listed.body.links.find((l: { id: string }) => l.id === link.id).recipient as string;
    assert.equal(stored, 'gro.elpmaxe@ana');
    const onlyControls = await request(t.url)
      .post(`/api/documents/${docId}/links`)
      .set('authorization', `Bearer ${alice.token}`)
      .send({ recipient: '\u202E\u202C' });
    assert.equal(onlyControls.status, 422);
  });
});
