// The pure parts of email signals: the machine rules with their reasons, Apple's egress ranges from a CSV, the HTML
// rewrite (links to click redirects, honeypot, pixel), the status ladder and the no-human-input window.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { trackHtml } from '../../server/mail/tracking-html.ts';
import { appleAddresses, type JudgeInput, judge } from '../../server/signals/machine.ts';
import { scannerVisit } from '../../server/signals/no-input.ts';
import { recipientSignals } from '../../server/signals/summary.ts';

const base: JudgeInput = {
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  ip: '198.51.100.1',
  agentAutomated: false,
  honeypot: false,
  nowMs: 1_000_000_000,
  deliveredAtMs: 1_000_000_000 - 3600_000,
  machineUntilMs: null,
  recentAddresses: 1,
  scanWindowMs: 10_000,
  isAppleAddress: appleAddresses().has,
};

describe('machine rules', () => {
  it('a person on a desktop is a person', () => assert.deepEqual(judge(base), { automated: false }));
  it('Apple MPP needs the bare agent and an Apple address', () => {
    assert.deepEqual(judge({ ...base, userAgent: 'Mozilla/5.0', ip: '17.1.2.3' }), {
      automated: true,
      reason: 'apple_mpp',
    });
    assert.notEqual(judge({ ...base, userAgent: 'Mozilla/5.0', ip: '198.51.100.1' }).reason, 'apple_mpp');
  });
  it('Gmail and Yahoo proxies are people, with the proxy named', () => {
    assert.deepEqual(
      judge({ ...base, userAgent: 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)', agentAutomated: true }),
      {
        automated: false,
        via: 'google-image-proxy',
      },
    );
    assert.equal(judge({ ...base, userAgent: 'YahooMailProxy; https://help.yahoo.com' }).via, 'yahoo-proxy');
  });
  it('names each scanner signal', () => {
    assert.equal(judge({ ...base, honeypot: true }).reason, 'honeypot');
    assert.equal(judge({ ...base, machineUntilMs: base.nowMs + 1 }).reason, 'honeypot');
    assert.equal(judge({ ...base, machineUntilMs: base.nowMs - 1 }).automated, false, 'a window that ended');
    assert.equal(judge({ ...base, userAgent: 'Mozilla/5.0 HeadlessChrome/120.0' }).reason, 'headless');
    assert.equal(judge({ ...base, agentAutomated: true }).reason, 'link_scanner');
    assert.equal(judge({ ...base, recentAddresses: 3 }).reason, 'burst');
    assert.equal(judge({ ...base, recentAddresses: 2 }).automated, false);
    assert.equal(judge({ ...base, deliveredAtMs: base.nowMs - 2000 }).reason, 'too_soon_after_delivery');
    assert.equal(judge({ ...base, deliveredAtMs: base.nowMs - 2000, scanWindowMs: 0 }).automated, false);
  });
});

describe("Apple's egress ranges", () => {
  it('reads a CSV in Apple’s format (IPv4 and IPv6), skipping junk, and keeps 17.0.0.0/8', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apple-')), 'egress-ip-ranges.csv');
    fs.writeFileSync(
      file,
      '172.224.224.0/27,GB,GB-EN,London,\n2a02:26f7:b3c0:4000::/64,GB,GB-EN,London,\nnot a line\n10.0.0.0/99,XX,,,\n',
    );
    const apple = appleAddresses(file);
    assert.equal(apple.ranges, 3);
    assert.ok(apple.has('172.224.224.9'));
    assert.ok(apple.has('::ffff:172.224.224.9'));
    assert.ok(apple.has('2a02:26f7:b3c0:4000::1'));
    assert.ok(apple.has('17.250.0.1'));
    assert.ok(!apple.has('172.224.225.9'));
    assert.ok(!apple.has('10.0.0.1'));
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});

describe('HTML rewrite', () => {
  const plan = {
    pixelUrl: 'https://pt.example/e/T/open.gif',
    clickUrl: (n: number) => `https://pt.example/e/T/${n}`,
    ownBase: 'https://pt.example',
    pixel: true,
    clicks: true,
  };
  it('rewrites http(s) links in order, keeps others, adds a hidden honeypot first and the pixel last', () => {
    const { html, links } = trackHtml(
      '<html><body class="x"><a href="https://a.example/?x=1&amp;y=2">A &amp; B</a> <a HREF=\'http://b.example\'><img alt="Logo" src="cid:1"></a> <a href="mailto:x@y">m</a> <a href="https://pt.example/v/abc">doc</a></body></html>',
      plan,
      (s) => s,
    );
    assert.deepEqual(
      links.map((l) => [l.position, l.url, l.text, l.honeypot]),
      [
        [0, 'https://pt.example', null, true],
        [1, 'https://a.example/?x=1&y=2', 'A & B', false],
        [2, 'http://b.example', 'Logo', false],
      ],
    );
    assert.match(html, /^<html><body class="x"><a href="https:\/\/pt\.example\/e\/T\/0" style="display:none;/);
    assert.match(html, /<a href="https:\/\/pt\.example\/e\/T\/1">A &amp; B<\/a>/);
    assert.match(html, /<a href="mailto:x@y">m<\/a>/);
    assert.match(html, /<a href="https:\/\/pt\.example\/v\/abc">doc<\/a>/, 'our own viewer links stay');
    assert.match(html, /<img src="https:\/\/pt\.example\/e\/T\/open\.gif" width="1" height="1"[^>]*><\/body><\/html>$/);
  });
  it('leaves every link as written, with no honeypot, when clicks are off, and keeps the pixel', () => {
    const source = '<html><body><a href="https://a.example">go</a></body></html>';
    const { html, links } = trackHtml(source, { ...plan, clicks: false }, (s) => s);
    assert.deepEqual(links, []);
    assert.match(
      html,
      /^<html><body><a href="https:\/\/a\.example">go<\/a><img src="https:\/\/pt\.example\/e\/T\/open\.gif"/,
    );
    assert.doesNotMatch(html, /\/e\/T\/\d/);
  });
  it('leaves out the pixel when it is off, and still rewrites the links', () => {
    const { html, links } = trackHtml('<p><a href="https://a.example">go</a></p>', { ...plan, pixel: false }, (s) => s);
    assert.equal(links.length, 2);
    assert.doesNotMatch(html, /open\.gif/);
    assert.match(html, /<a href="https:\/\/pt\.example\/e\/T\/1">go<\/a>/);
  });
  it('changes nothing when both are off', () => {
    const source = '<p><a href="https://a.example">go</a></p>';
    assert.deepEqual(
      trackHtml(source, { ...plan, pixel: false, clicks: false }, (s) => s),
      { html: source, links: [] },
    );
  });
  it('works on a fragment without body', () => {
    const { html, links } = trackHtml('<p><a href="https://a.example">go</a></p>', plan, (s) => s);
    assert.equal(links.length, 2);
    assert.ok(html.startsWith('<a href="https://pt.example/e/T/0"'));
    assert.ok(html.endsWith('>'));
  });
});

describe('status ladder', () => {
  const row = (type: string, n: number, extra: Partial<{ automated: number; self: number }> = {}) => ({
    message_id: 'm',
    recipient: 'r',
    type,
    automated: 0,
    self: 0,
    automated_reason: extra.automated ? 'apple_mpp' : null,
    n,
    first_at: '2026-01-01T00:00:00.000Z',
    last_at: '2026-01-02T00:00:00.000Z',
    ...extra,
  });
  it('counts people only and climbs not opened < opened < read < clicked < replied', () => {
    assert.equal(recipientSignals([], 0).status, 'not_opened');
    assert.equal(recipientSignals([row('email_open', 2, { automated: 1 })], 0).status, 'not_opened');
    assert.equal(recipientSignals([row('email_open', 2, { self: 1 })], 0).status, 'not_opened');
    assert.equal(recipientSignals([row('email_open', 2)], 0).status, 'opened');
    assert.equal(recipientSignals([row('email_open', 2)], 1).status, 'read');
    assert.equal(recipientSignals([row('email_open', 2), row('click', 1)], 1).status, 'clicked');
    assert.equal(recipientSignals([row('reply', 1)], 0).status, 'replied');
    const s = recipientSignals([row('email_open', 2), row('email_open', 1, { automated: 1 })], 0);
    assert.equal(s.opens, 2);
    assert.deepEqual(s.machine, { count: 1, reasons: { apple_mpp: 1 } });
  });
});

describe('viewer visits without human input', () => {
  it('are a scanner only when they began within the scan window of delivery', () => {
    const delivered = Date.parse('2026-01-01T10:00:00Z');
    assert.equal(scannerVisit(delivered + 3_000, delivered, 10_000), true);
    assert.equal(scannerVisit(delivered + 9_999, delivered, 10_000), true);
    assert.equal(scannerVisit(delivered + 10_000, delivered, 10_000), false);
    assert.equal(scannerVisit(delivered + 3600_000, delivered, 10_000), false);
    assert.equal(scannerVisit(delivered - 60_000, delivered, 10_000), false);
    assert.equal(scannerVisit(delivered, null, 10_000), false, 'a copy never delivered');
  });
});
