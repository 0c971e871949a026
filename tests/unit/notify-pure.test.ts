// Pure parts of exports, places and webhooks: CSV quoting and formula defusing, networks and places, the
// address rule for webhook targets, the retry schedule, and the mapping of events to webhook types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, toCsv } from '../../server/csv.ts';
import { retryDelayMs } from '../../server/notify/webhook-queue.ts';
import { parseTarget } from '../../server/notify/webhook-target.ts';
import { isNonPublicAddress } from '../../server/public-address.ts';
import { webhookTypeOf } from '../../server/notify/webhook-types.ts';
import { networkOf, otherPlace, samePlace } from '../../server/tracking/place.ts';

test('CSV cells are quoted where needed and never start a formula', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  for (const bad of ['=1+1', '+1', '-2', '@SUM(A1)', '\t=x', '\r=x'])
    assert.ok(csvCell(bad).replace(/^"/, '').startsWith("'"), bad);
  assert.equal(csvCell(-5), '-5', 'numbers stay numbers');
  assert.equal(csvCell(null), '');
  assert.equal(toCsv(['a', 'b'], [[1, 'x']]), 'a,b\r\n1,x\r\n');
});

test('networks: /24 for IPv4 (mapped too), /48 for IPv6', () => {
  assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkOf('::ffff:203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkOf('2001:db8:abcd:12::1'), '2001:db8:abcd::/48');
  assert.equal(networkOf('2001:db8::1'), '2001:db8:0::/48');
  assert.equal(networkOf('not an address'), null);
});

test('places: the same network is the same place; other networks or cities are another', () => {
  const lisbon = { country: 'PT', region: null, city: 'Lisbon' };
  const porto = { country: 'PT', region: null, city: 'Porto' };
  assert.ok(samePlace({ network: 'a', location: lisbon }, { network: 'a', location: porto }));
  assert.ok(otherPlace({ network: 'a', location: null }, { network: 'b', location: null }));
  assert.ok(!otherPlace({ network: null, location: lisbon }, { network: null, location: lisbon }));
  assert.ok(otherPlace({ network: null, location: lisbon }, { network: null, location: porto }));
  assert.ok(!otherPlace({ network: null, location: null }, { network: 'b', location: null }), 'unknown is not other');
});

test('webhook targets: loopback, private and reserved addresses are not public', () => {
  for (const ip of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '224.0.0.1',
  ])
    assert.ok(isNonPublicAddress(ip), ip);
  for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) assert.ok(!isNonPublicAddress(ip), ip);
  assert.throws(() => parseTarget('ftp://example.org/'), /webhook URL/);
  assert.throws(() => parseTarget('https://user:pw@example.org/'), /webhook URL/);
  assert.throws(() => parseTarget('not a url'), /webhook URL/);
  assert.equal(parseTarget('https://example.org/x?y=1').hostname, 'example.org');
});

test('retries back off four times longer each time', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000)),
    [30_000, 120_000, 480_000, 1_920_000],
  );
});

test('events map to webhook types; the sender’s own and automated ones to none', () => {
  const base = { id: 'evt_1', seq: 1, at: '2026-01-01T00:00:00.000Z', automated: false, self: false };
  assert.equal(webhookTypeOf({ ...base, type: 'open' }), 'link.opened');
  assert.equal(webhookTypeOf({ ...base, type: 'forward' }), 'link.forwarded');
  assert.equal(webhookTypeOf({ ...base, type: 'email_open' }), 'email.opened');
  assert.equal(webhookTypeOf({ ...base, type: 'click' }), 'link.clicked');
  assert.equal(webhookTypeOf({ ...base, type: 'reply' }), 'email.replied');
  assert.equal(webhookTypeOf({ ...base, type: 'download' }), 'document.downloaded');
  assert.equal(webhookTypeOf({ ...base, type: 'page_view' }), null);
  assert.equal(webhookTypeOf({ ...base, type: 'open', self: true }), null);
  assert.equal(webhookTypeOf({ ...base, type: 'open', automated: true }), null);
});
