// Access controls per link, over HTTP and the viewer socket: the per-visit file token (download off means no URL
// hands over the file), passcode (right, wrong, attempt limit), the email gate with a code mailed through a real
// SMTP sink, allow and deny lists, the view limit, a stamped download; every refusal is an access_denied event.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createLink, startApp, uploadReady, type TestApp, type TestLink, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { startSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { BROWSER_UA, connectError, liveVisit, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let sink: SmtpSink;
let alice: TestSender;
let docId: string;

before(async () => {
  sink = await startSink();
  t = await startApp({
    SMTP_UPSTREAM_URL: sink.url,
    ACCESS_CODE_FROM: 'Pagetrail <codes@example.org>',
    ACCESS_PASSCODE_ATTEMPTS: '3',
    FILE_TOKEN_TTL_SECONDS: '30',
    TRUST_PROXY: 'true',
  });
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(3, { padBytes: 300_000 }), 'Contract.pdf');
});
after(async () => {
  await t.close();
  await sink.close();
});

const FILE = 'x-pagetrail-file';
let addresses = 0;
/** A browser: its own address and cookie jar. */
function browser() {
  const ip = `198.51.100.${++addresses}`;
  const jar = new Map<string, string>();
  const keep = (res: request.Response) => {
    for (const c of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const headers = () => ({ 'user-agent': BROWSER_UA, 'x-forwarded-for': ip, cookie: cookie() });
  return {
    ip,
    jar,
    get: async (url: string) => keep(await request(url).get('').set(headers())),
    post: async (url: string, form: Record<string, string>) =>
      keep(await request(url).post('').set(headers()).type('form').send(form)),
    /** The reader page's entry ticket, when the page is the reader. */
    ticket: (html: string) => /data-ticket="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&'),
  };
}

const refusals = async (linkId: string) =>
  (
    await t.db
      .selectFrom('events')
      .select(['detail', 'recipient'])
      .where('link_id', '=', linkId)
      .where('type', '=', 'access_denied')
      .execute()
  ).map((e) => ({ reason: (JSON.parse(e.detail!) as { reason: string }).reason, recipient: e.recipient }));

const api = (method: 'get' | 'put' | 'post', p: string) =>
  request(t.url)[method](p).set('authorization', `Bearer ${alice.token}`);

describe('the per-visit file token', () => {
  let link: TestLink;
  before(async () => {
    link = await createLink(t, alice.token, docId, { allowDownload: false });
  });

  it('answers the file URL without a live visit with 403, and the download with 403', async () => {
    const bare = await request(link.url).get('/file');
    assert.equal(bare.status, 403);
    assert.equal(bare.body.error.code, 'file_token_invalid');
    const forged = await request(link.url).get('/file').set(FILE, 'v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(forged.status, 403);
    assert.equal((await request(link.url).get('/download')).status, 403);
  });

  it('serves ranges to the visit holding the token, counts them on the visit, and refuses it on another link', async () => {
    const { socket, info } = await liveVisit(t.url, { token: link.token });
    try {
      assert.ok(info.fileToken.length >= 40, 'a token with room for 128 random bits and its seal');
      assert.ok(info.fileSize > 0);
      const part = await request(link.url).get('/file').set(FILE, info.fileToken).set('range', 'bytes=0-1023');
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-range'], `bytes 0-1023/${info.fileSize}`);
      assert.equal(part.body.subarray(0, 5).toString(), '%PDF-');
      const reads = await t.db
        .selectFrom('visit_file_reads')
        .selectAll()
        .where('visit_id', '=', info.visitId)
        .executeTakeFirstOrThrow();
      assert.equal(Number(reads.requests), 1);
      assert.equal(Number(reads.bytes), 1024);
      const other = await createLink(t, alice.token, docId);
      assert.equal((await request(other.url).get('/file').set(FILE, info.fileToken)).status, 403);
    } finally {
      socket.close();
    }
  });

  it('refuses an expired token, and renews the token while the visit lives', async () => {
    // A token sealed with a past expiry, as the service would have made it earlier.
    const visit = await t.db.selectFrom('visits').select('id').where('link_id', '=', link.id).executeTakeFirstOrThrow();
    const { AccessPasses } = await import('../../server/access/passes.ts');
    const { Sealer } = await import('../../storage/sealer.ts');
    const passes = new AccessPasses(Sealer.forDataDir(t.dataDir, 'link access'));
    const expired = passes.sealFile(link.id, { visitId: visit.id, expiresAtMs: Date.now() - 1000 });
    const res = await request(link.url).get('/file').set(FILE, expired);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'file_token_expired');
    const { socket, info } = await liveVisit(t.url, { token: link.token });
    try {
      const fresh = await new Promise<{ fileToken: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no visit:file within 30 s')), 30_000);
        (socket as unknown as import('socket.io-client').Socket).once('visit:file', (v: { fileToken: string }) => {
          clearTimeout(timer);
          resolve(v);
        });
      });
      assert.notEqual(fresh.fileToken, info.fileToken);
      assert.equal(
        (await request(link.url).get('/file').set(FILE, fresh.fileToken).set('range', 'bytes=0-9')).status,
        206,
      );
    } finally {
      socket.close();
    }
  });
});

describe('passcode', () => {
  it('is never returned, lets the right passcode in, refuses a wrong one, and stops after the attempt limit', async () => {
    const res = await api('post', `/api/documents/${docId}/links`).send({
      passcode: 'open sesame',
      recipient: 'ana@example.org',
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.hasPasscode, true);
    assert.ok(!JSON.stringify(res.body).includes('sesame') && !JSON.stringify(res.body).includes('scrypt'));
    const link = { ...res.body, token: res.body.url.split('/v/')[1] } as TestLink;

    const b = browser();
    const gate = await b.get(link.url);
    assert.equal(gate.status, 200);
    assert.match(gate.text, /name="passcode"/);
    assert.doesNotMatch(gate.text, /Contract/, 'the gate names no document');
    assert.match(String(gate.headers['content-security-policy']), /form-action 'self'/);
    // No ticket, no socket.
    const err = await connectError(viewer(t.url, { token: link.token }) as never);
    assert.equal(err.data?.code, 'access_required');

    const wrong = await b.post(`${link.url}/access/passcode`, { passcode: 'guess' });
    assert.equal(wrong.status, 403);
    assert.match(wrong.text, /passcode is not correct/);
    const right = await b.post(`${link.url}/access/passcode`, { passcode: 'open sesame' });
    assert.equal(right.status, 303);
    const cookie = ([] as string[]).concat(right.headers['set-cookie'] ?? []).join();
    assert.match(cookie, /pt_access=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, new RegExp(`Path=/v/${link.token}`));
    const page = await b.get(link.url);
    assert.match(page.text, /id="reader"/);
    const { socket, info } = await liveVisit(t.url, { token: link.token, ticket: b.ticket(page.text)! });
    socket.close();
    assert.ok(info.fileToken);

    // Another address: three wrong tries, then even the right passcode waits.
    const m = browser();
    for (let i = 0; i < 2; i++)
      assert.equal((await m.post(`${link.url}/access/passcode`, { passcode: `no${i}` })).status, 403);
    assert.equal((await m.post(`${link.url}/access/passcode`, { passcode: 'no2' })).status, 429);
    const blocked = await m.post(`${link.url}/access/passcode`, { passcode: 'open sesame' });
    assert.equal(blocked.status, 429);
    assert.match(blocked.text, /Too many wrong passcodes/);
    const reasons = (await refusals(link.id)).map((r) => r.reason);
    // The try that reaches the limit is on the feed; tries while blocked are not (a flood would drown it).
    assert.deepEqual(reasons.sort(), [
      'passcode_attempts_exceeded',
      'wrong_passcode',
      'wrong_passcode',
      'wrong_passcode',
    ]);
  });
});

/** The code in the last mail the sink got for `to`. */
async function codeFor(to: string, before: number): Promise<string> {
  const mail = await eventually(
    () => sink.received.slice(before).find((m) => m.to.includes(to)),
    20_000,
    `a code mail to ${to}`,
  );
  return /\b(\d{6})\b/.exec(mail.raw)![1]!;
}

async function verify(b: ReturnType<typeof browser>, link: TestLink, email: string) {
  const seen = sink.received.length;
  const sent = await b.post(`${link.url}/access/email`, { email });
  assert.equal(sent.status, 200, sent.text);
  const codeId = /name="c" value="([^"]+)"/.exec(sent.text)![1]!;
  return { codeId, code: await codeFor(email.toLowerCase(), seen) };
}

describe('email gate and lists', () => {
  it('mails a single-use code through the upstream; the verified address is the visit identity', async () => {
    const link = await createLink(t, alice.token, docId, { requireEmail: true, watermark: true });
    const b = browser();
    assert.match((await b.get(link.url)).text, /name="email"/);
    const { codeId, code } = await verify(b, link, 'Bea@Example.org');
    const mail = sink.received.at(-1)!;
    assert.match(mail.raw, /^From: Pagetrail <codes@example\.org>/m);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await b.post(`${link.url}/access/code`, { c: codeId, code: wrongCode });
    assert.equal(wrong.status, 403);
    const ok = await b.post(`${link.url}/access/code`, { c: codeId, code });
    assert.equal(ok.status, 303);
    // Single use: the same code again is expired.
    const again = browser();
    assert.equal((await again.post(`${link.url}/access/code`, { c: codeId, code })).status, 403);

    const page = await b.get(link.url);
    assert.match(page.text, /id="reader"/);
    const { socket, info } = await liveVisit(
      t.url,
      { token: link.token, ticket: b.ticket(page.text)! },
      { 'x-forwarded-for': b.ip },
    );
    socket.close();
    assert.match(info.watermark ?? '', /bea@example\.org · \d{4}-\d\d-\d\d \d\d:\d\d UTC · 198\.51\.100\.\d+/);
    const open = await eventually(
      () =>
        t.db
          .selectFrom('events')
          .selectAll()
          .where('visit_id', '=', info.visitId)
          .where('type', '=', 'open')
          .executeTakeFirst(),
      20_000,
      'the open event',
    );
    assert.equal(open.recipient, 'bea@example.org');
    assert.deepEqual((await refusals(link.id)).map((r) => r.reason).sort(), ['code_expired', 'wrong_code']);
  });

  it('refuses an expired code with code_expired', async () => {
    const link = await createLink(t, alice.token, docId, { requireEmail: true });
    const b = browser();
    const { codeId, code } = await verify(b, link, 'cid@example.org');
    await t.db
      .updateTable('access_codes')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', codeId)
      .execute();
    const late = await b.post(`${link.url}/access/code`, { c: codeId, code });
    assert.equal(late.status, 403);
    assert.match(late.text, /expired/);
    assert.deepEqual(
      (await refusals(link.id)).map((r) => r.reason),
      ['code_expired'],
    );
  });

  it('checks allow and deny lists against the verified address', async () => {
    const link = await createLink(t, alice.token, docId, {
      allow: ['example.com', 'vip@partner.org'],
      deny: ['mallory@example.com'],
    });
    const cases: [string, number, string | null][] = [
      ['dan@example.com', 200, null],
      ['dan@sales.example.com', 200, null],
      ['vip@partner.org', 200, null],
      ['eve@partner.org', 403, 'domain_not_allowed'],
      ['mallory@example.com', 403, 'address_denied'],
    ];
    for (const [email, status, reason] of cases) {
      const b = browser();
      const { codeId, code } = await verify(b, link, email);
      assert.equal((await b.post(`${link.url}/access/code`, { c: codeId, code })).status, 303);
      const page = await b.get(link.url);
      assert.equal(page.status, status, email);
      if (reason) assert.match(page.text, /You cannot open this document/);
    }
    assert.deepEqual((await refusals(link.id)).map((r) => `${r.reason} ${r.recipient}`).sort(), [
      'address_denied mallory@example.com',
      'domain_not_allowed eve@partner.org',
    ]);
  });
});

describe('view limit and defaults', () => {
  it('opens no more visits than the limit, and says so', async () => {
    const link = await createLink(t, alice.token, docId, { maxViews: 2 });
    for (let i = 0; i < 2; i++) (await liveVisit(t.url, { token: link.token })).socket.close();
    const err = await connectError(viewer(t.url, { token: link.token }) as never);
    assert.equal(err.data?.code, 'view_limit_reached');
    const page = await browser().get(link.url);
    assert.equal(page.status, 403);
    assert.match(page.text, /opened as many times as the sender allowed/);
    assert.deepEqual(
      (await refusals(link.id)).map((r) => r.reason),
      ['view_limit_reached', 'view_limit_reached'],
    );
  });

  it("gives new links the sender's defaults; a request overrides them", async () => {
    const put = await api('put', '/api/settings/link-defaults').send({
      allowDownload: false,
      requireEmail: false,
      allow: [],
      deny: ['@rival.example'],
      maxViews: 7,
      watermark: true,
    });
    assert.equal(put.status, 200);
    assert.deepEqual((await api('get', '/api/settings/link-defaults')).body.deny, ['rival.example']);
    const made = await api('post', `/api/documents/${docId}/links`).send({ maxViews: null });
    assert.equal(made.body.allowDownload, false);
    assert.equal(made.body.watermark, true);
    assert.equal(made.body.maxViews, null);
    assert.deepEqual(made.body.deny, ['rival.example']);
    const bad = await api('put', '/api/settings/link-defaults').send({ allowDownload: 'yes' });
    assert.equal(bad.status, 422);
    await api('put', '/api/settings/link-defaults').send({
      allowDownload: true,
      requireEmail: false,
      allow: [],
      deny: [],
      maxViews: null,
      watermark: false,
    });
  });
});

describe('watermarked downloads', () => {
  it('stamps the download with who, when and from where (pdftotext finds it)', async () => {
    const link = await createLink(t, alice.token, docId, { recipient: 'fay@example.org', watermark: true });
    const b = browser();
    const res = await request(link.url)
      .get('/download')
      .set({ 'user-agent': BROWSER_UA, 'x-forwarded-for': b.ip })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(res.status, 200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pt-stamp-')), 'd.pdf');
    fs.writeFileSync(file, res.body as Buffer);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    assert.match(
      text,
      new RegExp(`fay@example\\.org · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC · ${b.ip.replace(/\./g, '\\.')}`),
    );
    assert.match(text, /Page 1 of 3/, 'the document is still there');
    await eventually(
      async () =>
        (
          await t.db
            .selectFrom('events')
            .select('id')
            .where('link_id', '=', link.id)
            .where('type', '=', 'download')
            .execute()
        ).length === 1,
      20_000,
      'the download event',
    );
  });
});
