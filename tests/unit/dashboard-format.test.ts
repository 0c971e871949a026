// The words the dashboard shows for stored facts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import {
  describeEvent,
  formatDevice,
  formatMachine,
  formatStatus,
  formatDuration,
  formatLocation,
  formatRelative,
} from '../../viewer/dashboard/format.ts';

const base: ActivityEvent = {
  id: 'e',
  seq: 1,
  type: 'open',
  at: '2026-01-01T00:00:00Z',
  automated: false,
  self: false,
};
const sentence = (event: Partial<ActivityEvent>, doc: string | null = 'Q3 Proposal', total?: number) =>
  describeEvent({ ...base, ...event }, doc, total)
    .map((s) => s.text)
    .join('');

describe('describeEvent', () => {
  it('says who opened what, on which device, near where', () => {
    assert.equal(
      sentence({
        device: { type: 'mobile', os: 'iOS', browser: 'Mobile Safari' },
        location: { city: 'Lisbon', region: null, country: 'PT' },
      }),
      'opened Q3 Proposal on iPhone (Mobile Safari) near Lisbon, PT',
    );
  });

  it('says why a reader was blocked', () => {
    assert.equal(
      sentence({ type: 'access_denied', reason: 'wrong_passcode' }),
      'blocked: wrong passcode on Q3 Proposal',
    );
    assert.equal(
      sentence({ type: 'access_denied', reason: 'domain_not_allowed' }),
      'blocked: domain not allowed on Q3 Proposal',
    );
  });

  it('leaves out what is unknown', () => {
    assert.equal(sentence({ device: null, location: null }), 'opened Q3 Proposal');
  });

  it('tells arrival, dwell and glance apart', () => {
    assert.equal(sentence({ type: 'page_view', page: 4, durationMs: 0 }), 'is on page 4 of Q3 Proposal');
    assert.equal(
      sentence({ type: 'page_view', page: 3, durationMs: 5000 }, 'Q3 Proposal', 42_000),
      'spent 42 s on page 3 of Q3 Proposal',
    );
    assert.equal(sentence({ type: 'page_view', page: 2, durationMs: 300 }), 'glanced at page 2 of Q3 Proposal');
  });

  it('describes downloads and mail events', () => {
    assert.equal(sentence({ type: 'download' }), 'downloaded Q3 Proposal');
    assert.equal(sentence({ type: 'email_open' }, null), 'opened your email');
    assert.equal(sentence({ type: 'reply' }, null), 'replied to your email');
    assert.equal(
      sentence(
        {
          type: 'email_open',
          subject: 'Proposal',
          device: { type: 'mobile', os: 'iOS', browser: null },
          location: { city: 'Lisbon', region: null, country: 'PT' },
        },
        null,
      ),
      'opened \u2018Proposal\u2019 on iPhone near Lisbon, PT',
    );
    assert.equal(
      sentence({ type: 'email_open', subject: 'Proposal', first: false, via: 'google-image-proxy' }, null),
      'opened \u2018Proposal\u2019 again in Gmail',
    );
    assert.equal(sentence({ type: 'click', linkText: 'pricing' }, null), 'clicked pricing');
    assert.equal(sentence({ type: 'click', url: 'https://example.com/x' }, null), 'clicked example.com');
    assert.equal(
      formatMachine({ count: 2, reasons: { apple_mpp: 1, link_scanner: 1 } }),
      '2 machine opens: Apple Mail privacy, link scanner',
    );
    assert.equal(formatMachine({ count: 0, reasons: {} }), null);
    assert.equal(formatStatus({ status: 'opened', opens: 3, clicks: 0, replies: 0 }), 'opened 3 times');
    assert.equal(formatStatus({ status: 'not_opened', opens: 0, clicks: 0, replies: 0 }), 'not opened');
  });

  it('marks the document name as strong and keeps hostile text as plain text', () => {
    const segments = describeEvent({ ...base, type: 'download' }, '<img src=x onerror=alert(1)>');
    assert.deepEqual(segments[1], { text: '<img src=x onerror=alert(1)>', strong: true });
  });
});

describe('formatting', () => {
  it('formats durations', () => {
    assert.equal(formatDuration(42_000), '42 s');
    assert.equal(formatDuration(245_000), '4 min 5 s');
    assert.equal(formatDuration(120_000), '2 min');
    assert.equal(formatDuration(4_320_000), '1 h 12 min');
  });

  it('formats relative times', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(formatRelative('2026-01-01T11:59:58Z', now), 'just now');
    assert.equal(formatRelative('2026-01-01T11:59:30Z', now), '30 s ago');
    assert.equal(formatRelative('2026-01-01T11:55:00Z', now), '5 min ago');
    assert.equal(formatRelative('2026-01-01T09:00:00Z', now), '3 h ago');
    assert.equal(formatRelative('2025-12-31T10:00:00Z', now), 'yesterday');
  });

  it('names devices and places', () => {
    assert.equal(formatDevice({ type: 'desktop', os: 'Mac OS', browser: 'Chrome' }), 'Mac (Chrome)');
    assert.equal(formatDevice({ type: 'tablet', os: 'Android', browser: null }), 'Android tablet');
    assert.equal(formatDevice(null), null);
    assert.equal(formatLocation({ city: null, region: 'Bavaria', country: 'DE' }), 'Bavaria, DE');
    assert.equal(formatLocation({ city: null, region: null, country: 'DE' }), 'DE');
  });
});
