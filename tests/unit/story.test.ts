// The recipient timeline's sentences: a visit told in one, the words for durations, devices and places.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clickSentence,
  downloadSentence,
  emailOpenSentence,
  forwardSentence,
  replySentence,
  spokenDevice,
  spokenDuration,
  spokenPlace,
  visitSentence,
} from '../../server/tracking/story.ts';
import { daySeries } from '../../server/tracking/analytics.ts';

const iphone = { type: 'mobile', os: 'iOS', browser: 'Mobile Safari 17' } as const;
const lisbon = { country: 'PT', region: 'Lisbon', city: 'Lisbon' };

describe('story sentences', () => {
  it('tells a visit in one sentence: where, how much, where it stopped', () => {
    assert.equal(
      visitSentence({
        documentName: 'the proposal',
        pageCount: 12,
        pagesSeen: 7,
        totalMs: 6 * 60_000 + 10_000,
        lastPage: 9,
        device: iphone,
        place: lisbon,
      }),
      'Opened the proposal on iPhone in Lisbon, read 7 of 12 pages for 6 min, stopped at page 9',
    );
  });

  it('says "all" for a finished read, nothing of stopping on the last page, and only the opening when nothing was read', () => {
    const base = { documentName: 'Deck.pdf', pageCount: 3, device: null, place: null };
    assert.equal(
      visitSentence({ ...base, pagesSeen: 3, totalMs: 45_000, lastPage: 3 }),
      'Opened Deck.pdf, read all 3 pages for 45 s',
    );
    assert.equal(visitSentence({ ...base, pagesSeen: 0, totalMs: 0, lastPage: null }), 'Opened Deck.pdf');
    assert.equal(
      visitSentence({ ...base, pageCount: 1, pagesSeen: 1, totalMs: 2_000, lastPage: 1 }),
      'Opened Deck.pdf, read 1 of 1 page for 2 s',
    );
  });

  it('words durations, devices and places as a person says them', () => {
    assert.equal(spokenDuration(0), '0 s');
    assert.equal(spokenDuration(59_400), '59 s');
    assert.equal(spokenDuration(89_000), '1 min');
    assert.equal(spokenDuration(65 * 60_000), '1 h 5 min');
    assert.equal(spokenDuration(120 * 60_000), '2 h');
    assert.equal(spokenDevice({ type: 'tablet', os: 'iOS', browser: null }), 'iPad');
    assert.equal(spokenDevice({ type: 'desktop', os: 'Mac OS', browser: 'Chrome' }), 'Mac');
    assert.equal(spokenDevice({ type: 'desktop', os: 'Windows', browser: 'Edge' }), 'Windows PC');
    assert.equal(spokenDevice({ type: 'mobile', os: 'Android', browser: 'Chrome' }), 'Android phone');
    assert.equal(spokenDevice({ type: 'other', os: null, browser: null }), null);
    assert.equal(spokenDevice(null), null);
    assert.equal(spokenPlace({ country: 'DE', region: 'Bavaria', city: null }), 'Bavaria');
    assert.equal(spokenPlace({ country: 'DE', region: null, city: null }), 'DE');
    assert.equal(spokenPlace(null), null);
  });

  it('tells email opens, clicks, replies, forwards and downloads', () => {
    assert.equal(
      emailOpenSentence({ subject: 'Q3 offer', device: iphone, place: lisbon }),
      'Opened “Q3 offer” on iPhone in Lisbon',
    );
    assert.equal(emailOpenSentence({ subject: null }), 'Opened the email');
    assert.equal(
      clickSentence({ subject: 'Q3 offer', linkText: ' Pricing ', url: 'https://x.test' }),
      'Clicked “Pricing” in “Q3 offer”',
    );
    assert.equal(
      clickSentence({ subject: null, linkText: null, url: 'https://x.test/p' }),
      'Clicked “https://x.test/p” in the email',
    );
    assert.equal(replySentence({ subject: 'Re: Q3 offer' }), 'Replied to “Re: Q3 offer”');
    assert.equal(
      forwardSentence({ documentName: 'Deck.pdf', place: { country: 'ES', region: null, city: 'Madrid' } }),
      'Probably forwarded Deck.pdf: opened from another browser in Madrid',
    );
    assert.equal(downloadSentence({ documentName: 'Deck.pdf' }), 'Downloaded Deck.pdf');
  });
});

describe('visits over time', () => {
  const now = new Date('2026-03-02T10:00:00Z');

  it('runs from the first visit’s day to today, days without visits as 0', () => {
    assert.deepEqual(
      daySeries(
        [
          { day: '2026-02-27', n: 2 },
          { day: '2026-03-01', n: 1 },
        ],
        now,
      ),
      [
        { day: '2026-02-27', visits: 2 },
        { day: '2026-02-28', visits: 0 },
        { day: '2026-03-01', visits: 1 },
        { day: '2026-03-02', visits: 0 },
      ],
    );
    assert.deepEqual(daySeries([], now), []);
  });

  it('keeps at most the last 366 days', () => {
    const s = daySeries([{ day: '2020-01-01', n: 5 }], now);
    assert.equal(s.length, 366);
    assert.equal(s.at(-1)!.day, '2026-03-02');
    assert.equal(
      s.reduce((a, d) => a + d.visits, 0),
      0,
    );
  });
});
