// GET /metrics: absent without METRICS_TOKEN, refused without the right token, and Prometheus text with the
// service's own figures (requests, sockets, stored events, conversions) with it.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createLink, startApp, uploadReady, type TestApp } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { pageView, started, viewer } from '../helpers/sockets.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
let on: TestApp;
let off: TestApp;

before(async () => {
  on = await startApp({ METRICS_TOKEN: TOKEN });
  off = await startApp();
});
after(async () => {
  await on?.close();
  await off?.close();
});

const scrape = (t: TestApp, auth?: string) =>
  fetch(`${t.url}/metrics`, { headers: auth ? { authorization: auth } : {} });

it('answers 404 when METRICS_TOKEN is unset, whatever the request carries', async () => {
  assert.equal((await scrape(off)).status, 404);
  assert.equal((await scrape(off, `Bearer ${TOKEN}`)).status, 404);
});

it('refuses a missing or wrong token with 401', async () => {
  for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, TOKEN]) {
    const res = await scrape(on, auth);
    assert.equal(res.status, 401, String(auth));
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized');
  }
});

it('serves requests, sockets, stored events and conversions in Prometheus text', async () => {
  const sender = await on.sender();
  const id = await uploadReady(on, sender.token, makePdf(2), 'M.pdf');
  const v = viewer(on.url, { token: (await createLink(on, sender.token, id)).token });
  try {
    await started(v);
    const r = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 });
    assert.ok('data' in r);
    const res = await scrape(on, `Bearer ${TOKEN}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /pagetrail_http_requests_total\{method="POST",status="2xx"\} [1-9]/);
    assert.match(text, /pagetrail_sockets\{namespace="viewer"\} 1/);
    assert.match(text, /pagetrail_events_stored_total\{type="open"\} 1/);
    assert.match(text, /pagetrail_events_stored_total\{type="page_view"\} 1/);
    assert.match(text, /pagetrail_conversions_total\{format="pdf",status="ready"\} 1/);
    assert.match(text, /pagetrail_conversion_duration_seconds_count\{format="pdf"\} 1/);
    assert.match(text, /pagetrail_mail_deliveries_total/);
    assert.match(text, /pagetrail_webhook_deliveries_total/);
  } finally {
    v.close();
  }
});
