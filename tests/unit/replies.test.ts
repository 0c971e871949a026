// The pure parts of reply handling: what a received mail is (reply, automatic reply, read receipt, bounce), whose
// Authentication-Results are believed, who a reply counts for, and the feed's words for it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { attribute } from '../../server/replies/attribution.ts';
import { authVerdict } from '../../server/replies/auth-results.ts';
import { autoReplyReason, classify } from '../../server/replies/classify.ts';
import { isFreeMailDomain } from '../../server/replies/free-mail.ts';
import { parseInbound } from '../../server/replies/parse.ts';
import { actorOf, describeEvent } from '../../viewer/dashboard/format.ts';
import { corpusFile } from '../helpers/corpus.ts';
import { bounce, outOfOffice, reply } from '../helpers/replies.ts';

const ORIGINAL = '<proposal-1@pagetrail.example>';
const mail = (headers: Record<string, string>, subject = 'Re: Proposal') =>
  parseInbound(
    Buffer.from(reply({ from: 'ann@acme.example', to: 'me@example.org', subject, inReplyTo: ORIGINAL, headers }).raw),
  );

describe('classify', () => {
  it('a person replying is a reply; a subject that merely mentions an absence is still one', async () => {
    assert.deepEqual(classify(await mail({})), { kind: 'reply' });
    assert.deepEqual(classify(await mail({}, 'Re: Out of office next week?')), { kind: 'reply' });
    assert.deepEqual(classify(await mail({ 'Auto-Submitted': 'no' })), { kind: 'reply' });
    assert.deepEqual(classify(await mail({ Precedence: 'list' })), { kind: 'reply' });
  });

  it('automatic replies by header or subject', async () => {
    for (const [headers, subject] of [
      [{ 'Auto-Submitted': 'auto-replied' }, 'Re: Proposal'],
      [{ 'X-Autoreply': 'yes' }, 'Re: Proposal'],
      [{ 'X-Autorespond': 'Proposal' }, 'Re: Proposal'],
      [{ Precedence: 'auto_reply' }, 'Re: Proposal'],
      [{}, 'Out of Office: Proposal'],
      [{}, 'Automatic reply: Proposal'],
      [{}, 'Abwesenheitsnotiz: Proposal'],
      [{}, 'Réponse automatique : Proposal'],
    ] as [Record<string, string>, string][]) {
      const m = await mail(headers, subject);
      assert.deepEqual(
        classify(m),
        { kind: 'auto_reply', reason: 'auto_reply' },
        `${JSON.stringify(headers)} ${subject}`,
      );
      assert.ok(autoReplyReason(m));
    }
    const ooo = await parseInbound(
      Buffer.from(
        outOfOffice({ from: 'ann@acme.example', to: 'me@example.org', subject: 'Proposal', inReplyTo: ORIGINAL }).raw,
      ),
    );
    assert.equal(classify(ooo).kind, 'auto_reply');
  });

  it('a bounce names the copy (final recipient, status) and the original Message-ID', async () => {
    const copy = `From: me@example.org\r\nTo: ann@acme.example\r\nMessage-ID: ${ORIGINAL}\r\nSubject: Proposal\r\n\r\nHi\r\n`;
    const m = await parseInbound(
      Buffer.from(bounce({ to: 'me@example.org', finalRecipient: 'ann@acme.example', copy }).raw),
    );
    assert.deepEqual(classify(m), { kind: 'bounce' });
    assert.equal(m.originalMessageId, ORIGINAL);
    assert.equal(m.report?.recipients[0]?.finalRecipient, 'ann@acme.example');
    assert.equal(m.report?.recipients[0]?.status, '5.1.1');
    const delayed = await parseInbound(
      Buffer.from(
        bounce({ to: 'me@example.org', finalRecipient: 'ann@acme.example', copy })
          .raw.replace('Action: failed', 'Action: delayed')
          .replace(/Status: 5\.1\.1/, 'Status: 4.4.1'),
      ),
    );
    assert.deepEqual(classify(delayed), { kind: 'report' }, 'a delay is no bounce');
  });

  it("the corpus's read receipt (RFC 8098) is an automatic answer naming the original", async () => {
    const m = await parseInbound(fs.readFileSync(corpusFile('mail/flanker__disposition-notification.eml')));
    assert.deepEqual(classify(m), { kind: 'auto_reply', reason: 'read_receipt' });
    assert.equal(m.originalMessageId, '<199509192301.23456@example.org>');
  });

  it('threading headers of real replies in the corpus', async () => {
    const m = await parseInbound(fs.readFileSync(corpusFile('mail/mikel-mail__example07.eml')));
    assert.deepEqual(m.threadIds, ['<3456@example.net>', '<1234@local.machine.example>']);
    const noInReplyTo = await parseInbound(fs.readFileSync(corpusFile('mail/mimekit__epilogue.eml')));
    assert.equal(noInReplyTo.threadIds.length, 4, 'References alone');
  });
});

describe('authVerdict', () => {
  it('fails on dmarc=fail, or spf/dkim failing with no pass', () => {
    assert.equal(authVerdict(['mx.example.org; dmarc=fail header.from=acme.example']).failed, true);
    assert.equal(authVerdict(['mx.example.org; spf=fail smtp.mailfrom=a@b; dkim=none']).failed, true);
    assert.equal(authVerdict(['mx.example.org; spf=fail smtp.mailfrom=a@b; dkim=pass header.d=b']).failed, false);
    assert.equal(authVerdict(['mx.example.org; spf=softfail; dkim=none']).failed, false);
    assert.equal(authVerdict(['mx.example.org; dmarc=pass; spf=fail']).failed, false);
    assert.equal(authVerdict([]).failed, false, 'no results: nothing to hold against it');
    assert.equal(
      authVerdict(['mx.example.org (comment; dmarc=fail) ; dkim=pass']).failed,
      false,
      'comments are not results',
    );
  });

  it('believes only the topmost header, or the named server', () => {
    const forged = ['mx.example.org; dmarc=fail', 'evil.example; dmarc=pass'];
    assert.equal(authVerdict(forged).failed, true);
    assert.equal(authVerdict([...forged].reverse()).failed, false);
    assert.equal(
      authVerdict(['evil.example; dmarc=pass', 'mx.example.org; dmarc=fail'], 'mx.example.org').failed,
      true,
    );
    assert.equal(authVerdict(['evil.example; dmarc=fail'], 'mx.example.org').failed, false);
  });
});

describe('attribute', () => {
  const recipients = [
    { address: 'ann@acme.example', role: 'to' as const },
    { address: 'ben@partner.example', role: 'cc' as const },
    { address: 'pat@gmail.com', role: 'to' as const },
  ];
  it('the recipient, a Cc, a colleague, someone brought in, or nobody', () => {
    assert.deepEqual(attribute('ann@acme.example', recipients), {
      recipient: 'ann@acme.example',
      attribution: 'recipient',
    });
    assert.deepEqual(attribute('ben@partner.example', recipients), {
      recipient: 'ben@partner.example',
      attribution: 'cc',
    });
    assert.deepEqual(attribute('bob@acme.example', recipients), {
      recipient: 'ann@acme.example',
      attribution: 'colleague',
    });
    assert.deepEqual(
      attribute('zed@gmail.com', recipients),
      { recipient: null, attribution: 'unknown' },
      'free mail is no employer',
    );
    assert.deepEqual(
      attribute('carl@consult.example', recipients, new Map([['carl@consult.example', 'ann@acme.example']])),
      { recipient: 'ann@acme.example', attribution: 'thread' },
    );
    assert.deepEqual(attribute(null, recipients), { recipient: null, attribution: 'unknown' });
  });

  it('knows free-mail domains and their subdomains, not company ones', () => {
    for (const d of ['gmail.com', 'outlook.com', 'yahoo.com', 'mail.yahoo.com']) assert.ok(isFreeMailDomain(d), d);
    for (const d of ['acme.example', 'example.org']) assert.ok(!isFreeMailDomain(d), d);
  });
});

describe('the feed sentence for replies', () => {
  const event = (e: Partial<ActivityEvent>): ActivityEvent => ({
    id: 'e',
    seq: 1,
    type: 'reply',
    at: '2026-01-01T00:00:00Z',
    automated: false,
    self: false,
    ...e,
  });
  const line = (e: ActivityEvent) =>
    `${actorOf(e)} ${describeEvent(e, null)
      .map((s) => s.text)
      .join('')}`;
  it('says who replied through the recipient it counts for', () => {
    const from = (a: string, attribution: NonNullable<ActivityEvent['reply']>['attribution']) => ({
      from: a,
      attribution,
      subject: null,
    });
    assert.equal(
      line(event({ recipient: 'ann@acme.com', reply: from('bob@acme.com', 'colleague') })),
      'A colleague of ann@acme.com replied to your email',
    );
    assert.equal(
      line(event({ recipient: 'ann@acme.com', reply: from('ann@acme.com', 'recipient') })),
      'ann@acme.com replied to your email',
    );
    assert.match(
      line(event({ reply: from('zed@gmail.com', 'unknown') })),
      /^zed@gmail\.com \(not a recipient\) replied/,
    );
    assert.match(
      line(
        event({ type: 'bounce', recipient: 'ann@acme.com', reply: { ...from('x@y', 'recipient'), status: '5.1.1' } }),
      ),
      /ann@acme\.com could not be reached: your email bounced \(5\.1\.1\)/,
    );
    assert.match(
      line(event({ type: 'auto_reply', recipient: 'ann@acme.com', reply: from('ann@acme.com', 'recipient') })),
      /answered automatically/,
    );
    assert.match(
      line(
        event({
          recipient: 'ann@acme.com',
          automated: true,
          reply: { ...from('ann@acme.com', 'recipient'), authFailed: true },
        }),
      ),
      /failed authentication/,
    );
  });
});
