// Webhooks end to end: the API (secret once, 404 across senders, private targets refused), signed deliveries a
// real receiver verifies with the standardwebhooks package, visit.ended with pages and times, nothing for the
// sender's own or automated views, retries that survive a restart and end logged as failed, no secret in logs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { captureLogs } from '../helpers/logs.ts';
import { makePdf } from '../helpers/pdf.ts';
import { pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';
import { sessionCookie, startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const FAST = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_MS: '50', VISIT_REUSE_MINUTES: '0.02' };

let t: TestApp;
let alice: TestSender;
let bob: TestSender;
let receiver: Receiver;
const logs = captureLogs('debug');

const call = (who: TestSender, method: string, path: string, body?: unknown) =>
  fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

before(async () => {
  t = await startApp(FAST, { logger: logs.logger });
  alice = await t.sender();
  bob = await t.sender();
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.close();
  await t?.close();
});

const bodies = (type: string) =>
  receiver.got.map((d) => JSON.parse(d.body) as { type: string; data: any }).filter((b) => b.type === type);

describe('webhooks', () => {
  let secret = '';
  let hookId = '';

  it('creates a webhook whose secret is shown once, lists it without the secret, and hides it from others', async () => {
    const res = await call(alice, 'POST', '/api/webhooks', {
      url: receiver.url,
      events: ['link.opened', 'visit.ended', 'link.forwarded', 'document.downloaded', 'email.opened'],
    });
    assert.equal(res.status, 201);
    const made = (await res.json()) as { id: string; url: string; events: string[]; secret: string };
    assert.match(made.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.from(made.secret.slice(6), 'base64').length >= 16, 'at least 128 bits');
    secret = made.secret;
    hookId = made.id;
    const list = (await (await call(alice, 'GET', '/api/webhooks')).json()) as { webhooks: object[] };
    assert.equal(list.webhooks.length, 1);
    assert.equal(JSON.stringify(list).includes(secret), false, 'the list never carries the secret');
    const stored = await t.db.selectFrom('webhooks').select('secret_sealed').executeTakeFirstOrThrow();
    assert.equal(stored.secret_sealed.includes(secret.slice(6)), false, 'stored sealed');
    assert.equal((await call(bob, 'GET', `/api/webhooks/${hookId}/deliveries`)).status, 404);
    assert.equal((await call(bob, 'DELETE', `/api/webhooks/${hookId}`)).status, 404);
    assert.deepEqual(((await (await call(bob, 'GET', '/api/webhooks')).json()) as { webhooks: [] }).webhooks, []);
  });

  it('refuses bad input with clear errors', async () => {
    const bad = await call(alice, 'POST', '/api/webhooks', { url: 'ftp://example.org/x', events: ['link.opened'] });
    assert.equal(bad.status, 422);
    assert.equal(((await bad.json()) as any).error.code, 'webhook_url_invalid');
    const type = await call(alice, 'POST', '/api/webhooks', { url: receiver.url, events: ['nope'] });
    assert.equal(((await type.json()) as any).error.code, 'validation_failed');
    assert.equal((await call(alice, 'GET', '/api/webhooks')).status, 200, 'the next request works');
  });

  it('signs deliveries as Standard Webhooks: link.opened, then visit.ended with pages and times', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(3), 'Proposal.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'ann@example.org' });
    const v = viewer(t.url, { token: link.token });
    const { visitId } = await started(v);
    await pageView(v, { id: `${Date.now()}-a`, page: 1, durationMs: 0 });
    await new Promise((r) => setTimeout(r, 1200));
    await pageView(v, { id: `${Date.now()}-b`, page: 1, durationMs: 1000 });
    await pageView(v, { id: `${Date.now()}-c`, page: 2, durationMs: 0 });
    v.close();

    const ended = await eventually(() => bodies('visit.ended')[0], 30_000, 'visit.ended delivery');
    assert.equal(ended.data.visitId, visitId);
    assert.equal(ended.data.recipient, 'ann@example.org');
    assert.deepEqual(ended.data.pages, [{ page: 1, durationMs: 1000 }]);
    assert.equal(ended.data.totalMs, 1000);
    const opened = bodies('link.opened')[0];
    assert.equal(opened?.data.visitId, visitId);

    const wh = new Webhook(secret);
    for (const d of receiver.got) {
      assert.match(String(d.headers['webhook-signature']), /^v1,/);
      assert.doesNotThrow(() => wh.verify(d.body, d.headers as Record<string, string>), 'signature verifies');
    }
    const forged = receiver.got[0]!;
    assert.throws(() => wh.verify(forged.body.replace('ann@', 'eve@'), forged.headers as Record<string, string>));
  });

  it('sends nothing for the sender’s own or automated views', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(1), 'Own.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'own@example.org' });
    const cookie = await sessionCookie(t.url, alice.email, alice.password);
    const own = viewer(t.url, { token: link.token }, { cookie });
    await started(own);
    own.close();
    const bot = viewer(t.url, { token: link.token }, { 'user-agent': 'curl/8.5.0' });
    await started(bot);
    bot.close();
    // A later human visit on another document proves the queue ran past the views above.
    const doc2 = await uploadReady(t, alice.token, makePdf(1), 'Later.pdf');
    const l2 = await createLink(t, alice.token, doc2, { recipient: 'later@example.org' });
    const human = viewer(t.url, { token: l2.token });
    await started(human);
    human.close();
    await eventually(
      () => bodies('visit.ended').some((b) => b.data.recipient === 'later@example.org'),
      30_000,
      'the later visit',
    );
    const forOwn = receiver.got.filter((d) => d.body.includes('own@example.org'));
    assert.deepEqual(forOwn, [], 'no delivery for self or automated views');
  });

  it('sends a test event and keeps a delivery log', async () => {
    const res = await call(alice, 'POST', `/api/webhooks/${hookId}/test`);
    assert.equal(res.status, 202);
    await eventually(() => bodies('webhook.test').length === 1, 20_000, 'test delivery');
    const log = (await (await call(alice, 'GET', `/api/webhooks/${hookId}/deliveries`)).json()) as {
      deliveries: { type: string; status: string; attempts: number; lastStatus: number }[];
    };
    const test = log.deliveries.find((d) => d.type === 'webhook.test');
    assert.equal(test?.status, 'delivered');
    assert.equal(test?.lastStatus, 200);
  });

  it('deletes a webhook', async () => {
    assert.equal((await call(alice, 'DELETE', `/api/webhooks/${hookId}`)).status, 204);
    assert.equal((await call(alice, 'GET', `/api/webhooks/${hookId}/deliveries`)).status, 404);
  });

  it('never logs a secret', () => {
    assert.ok(
      logs.lines.some((l) => l.includes('webhook delivered')),
      'deliveries were logged',
    );
    assert.equal(
      logs.lines.some((l) => l.includes(secret) || l.includes(secret.slice(6))),
      false,
    );
  });
});

describe('webhook targets on private addresses', () => {
  it('are refused at creation unless WEBHOOK_ALLOW_PRIVATE=true', async () => {
    const strict = await startApp({});
    try {
      const s = await strict.sender();
      for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://10.0.0.1/x', 'http://[::1]:9/x']) {
        const res = await fetch(`${strict.url}/api/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url, events: ['link.opened'] }),
        });
        assert.equal(res.status, 422, url);
        assert.equal(((await res.json()) as any).error.code, 'webhook_target_refused', url);
      }
    } finally {
      await strict.close();
    }
  });
});

describe('a failing receiver', () => {
  it('gets retries with back-off, across a restart, and the delivery ends logged as failed', async () => {
    const failing = await startReceiver(500);
    const env = { ...FAST, WEBHOOK_RETRY_BASE_MS: '300', WEBHOOK_MAX_ATTEMPTS: '4' };
    const first = await startApp(env);
    const s = await first.sender();
    const res = await fetch(`${first.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: failing.url, events: ['link.opened'] }),
    });
    const hook = (await res.json()) as { id: string };
    await fetch(`${first.url}/api/webhooks/${hook.id}/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}` },
    });
    await eventually(() => failing.got.length >= 2, 20_000, 'a first retry');
    // Stop the service mid-schedule and start it again on the same data.
    await first.app.close(2000);
    await first.converter.close(2000);
    await first.db.destroy();
    const seenBefore = failing.got.length;
    const second = await startApp({ ...env, DATA_DIR: first.dataDir });
    try {
      await eventually(
        async () =>
          (
            await second.db
              .selectFrom('webhook_deliveries')
              .selectAll()
              .where('webhook_id', '=', hook.id)
              .executeTakeFirst()
          )?.status === 'failed',
        30_000,
        'the delivery to be logged failed',
      );
      assert.ok(failing.got.length > seenBefore, 'retried after the restart');
      assert.equal(failing.got.length, 4, 'WEBHOOK_MAX_ATTEMPTS attempts, no more');
      assert.equal(new Set(failing.got.map((d) => d.headers['webhook-id'])).size, 1, 'one webhook-id for all attempts');
      const gaps = failing.got
        .slice(1)
        .map((d, i) => Number(d.headers['webhook-timestamp']) - Number(failing.got[i]!.headers['webhook-timestamp']));
      assert.ok(gaps.every((g) => g >= 0));
      const log = (await (
        await fetch(`${second.url}/api/webhooks/${hook.id}/deliveries`, {
          headers: { authorization: `Bearer ${s.token}` },
        })
      ).json()) as { deliveries: { status: string; attempts: number; lastStatus: number }[] };
      assert.deepEqual(
        log.deliveries.map((d) => [d.status, d.attempts, d.lastStatus]),
        [['failed', 4, 500]],
      );
    } finally {
      await second.close();
      await failing.close();
    }
  });
});

describe('the address check at delivery time', () => {
  it('refuses to deliver to a loopback target once private targets are no longer allowed', async () => {
    const target = await startReceiver();
    const first = await startApp(FAST);
    const s = await first.sender();
    const res = await fetch(`${first.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: target.url, events: ['link.opened'] }),
    });
    const hook = (await res.json()) as { id: string };
    await first.app.close(2000);
    await first.converter.close(2000);
    await first.db.destroy();
    // The same data, now without WEBHOOK_ALLOW_PRIVATE: the stored webhook is checked again before sending.
    const second = await startApp({ WEBHOOK_POLL_MS: '50', WEBHOOK_MAX_ATTEMPTS: '1', DATA_DIR: first.dataDir });
    try {
      const test = await fetch(`${second.url}/api/webhooks/${hook.id}/test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}` },
      });
      assert.equal(test.status, 202);
      const row = await eventually(
        async () => {
          const d = await second.db
            .selectFrom('webhook_deliveries')
            .selectAll()
            .where('webhook_id', '=', hook.id)
            .executeTakeFirst();
          return d?.status === 'failed' ? d : null;
        },
        20_000,
        'the refused delivery',
      );
      assert.match(row.last_error ?? '', /loopback or private/);
      assert.equal(target.got.length, 0, 'nothing reached the loopback target');
    } finally {
      await second.close();
      await target.close();
    }
  });
});
