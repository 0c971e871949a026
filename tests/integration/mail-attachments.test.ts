// Attachments that cannot become documents stay attached and the sender's feed says why; malformed MIME never
// crashes the relay (it answers, and the next message goes through).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestSender } from '../helpers/app.ts';
import { CORPUS, corpusFile } from '../helpers/corpus.ts';
import { client, linkTokens, parse, send, senderAuth, startMailRig, type MailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';
import { collect, feed } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

describe('mail attachments that stay attached', () => {
  let rig: MailRig;
  let s: TestSender;
  before(async () => {
    rig = await startMailRig();
    s = await rig.t.sender();
  });
  after(() => rig.close());

  it('keeps a password-protected DOCX and a corrupt PPTX attached, links the PDF, and tells the feed why', async () => {
    const encrypted = await fs.readFile(corpusFile('docs/tika__testWORD_protected_passtika.docx'));
    const corrupt = await fs.readFile(corpusFile('docs/poi__Divino_Revelado.pptx'));
    const f = feed(rig.t.url, { token: s.token, after: 0 });
    const events = collect(f);
    try {
      const info = await send(rig, s, {
        to: 'ana@example.org',
        subject: 'Terms',
        text: 'See attached.',
        html: '<p>See attached.</p>',
        attachments: [
          { filename: 'Terms.docx', content: encrypted },
          { filename: 'Deck.pptx', content: corrupt },
          { filename: 'Summary.pdf', content: makePdf(1) },
        ],
      });
      assert.match(info.response, /^250 /);
      const parsed = await parse(rig.sink.received.at(-1)!.raw);
      const kept = new Map(parsed.attachments.map((a) => [a.filename, a.content]));
      assert.deepEqual([...kept.keys()].sort(), ['Deck.pptx', 'Terms.docx']);
      assert.ok(kept.get('Terms.docx')!.equals(encrypted), 'the protected file travels unchanged');
      assert.ok(kept.get('Deck.pptx')!.equals(corrupt), 'the corrupt file travels unchanged');
      assert.equal(linkTokens(rig, String(parsed.html)).length, 1, 'the PDF became a link');
      await eventually(
        () => events.filter((e) => e.type === 'attachment_kept').length >= 2,
        20_000,
        'two attachment notices in the feed',
      );
      const notices = events.filter((e) => e.type === 'attachment_kept').map((e) => e.notice!.message);
      assert.ok(notices.includes('Terms.docx was left attached: it is password-protected.'), notices.join(' | '));
      assert.ok(
        notices.some((n) => n.startsWith('Deck.pptx was left attached: it is damaged')),
        notices.join(' | '),
      );
      assert.ok(
        events.every((e) => typeof e.seq === 'number' && e.messageId),
        'stored events with seq and message',
      );
    } finally {
      f.close();
    }
  });

  it('answers every message of the mail corpus and malformed MIME without crashing, then relays the next one', async () => {
    const files = (await fs.readdir(path.join(CORPUS, 'mail')))
      .filter((n) => n.endsWith('.eml'))
      .map((n) => path.join(CORPUS, 'mail', n));
    const malformed = [
      // truncated: the closing boundary and half a base64 part are missing
      'From: x@example.org\r\nTo: ana@example.org\r\nSubject: cut\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1\r\nContent-Type: application/pdf; name="x.pdf"\r\nContent-Disposition: attachment; filename="x.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK%%%%!!!',
      // a boundary that never appears, bad encodings and 8-bit bytes in headers
      'From: x@example.org\r\nTo: ana@example.org\r\nSubject: caf\u00e9 =?utf-8?B?!!!?= =?x-unknown?Q?abc?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="never"\r\nContent-Transfer-Encoding: x-wrong\r\n\r\nno parts here\r\n',
      // no header/body separator at all, and a header line of 20 000 bytes
      `From: x@example.org\r\nTo: ana@example.org\r\nX-Long: ${'a'.repeat(20_000)}\r\nContent-Type: multipart/mixed; boundary=\r\n--\r\n--\r\n`,
    ];
    const c = client(rig, senderAuth(s));
    try {
      for (const raw of [...files, ...malformed]) {
        const body = raw.endsWith('.eml') ? await fs.readFile(raw) : Buffer.from(raw, 'latin1');
        const answer = await c.sendMail({ envelope: { from: s.email, to: ['ana@example.org'] }, raw: body }).then(
          (i) => Number(i.response.slice(0, 3)),
          (e: { responseCode?: number }) => e.responseCode ?? 0,
        );
        assert.ok(answer >= 250 && answer < 600, `${raw.slice(0, 60)}: the relay answered (${answer})`);
      }
    } finally {
      c.close();
    }
    const before = rig.sink.received.length;
    const info = await send(rig, s, { to: 'ben@example.org', subject: 'after', text: 'still here' });
    assert.match(info.response, /^250 /);
    assert.equal(rig.sink.received.length, before + 1);
  });
});
