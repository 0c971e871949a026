// The relay end to end with nodemailer as the client and a real SMTP sink as the upstream: one copy per envelope
// recipient, attachments become per-recipient links, Bcc never travels, Message-ID is kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestSender } from '../helpers/app.ts';
import { linkTokens, parse, send, startMailRig, type MailRig } from '../helpers/mail.ts';
import { ALL, fullMessage, LOGO, PNG } from '../helpers/mail-fixtures.ts';

describe('SMTP relay: rewriting', () => {
  let rig: MailRig;
  let s: TestSender;
  before(async () => {
    rig = await startMailRig();
    s = await rig.t.sender();
  });
  after(() => rig.close());

  it('sends four personalised copies without Bcc, documents as links, images kept, Message-ID kept', async () => {
    const mail = await fullMessage();
    const info = await send(rig, s, mail);
    assert.match(info.response, /^250 /);
    assert.equal(rig.sink.received.length, 4, 'one copy per envelope recipient');
    assert.deepEqual(
      rig.sink.received
        .map((r) => r.to)
        .flat()
        .sort(),
      [...ALL].sort(),
    );
    const seen = new Set<string>();
    for (const copy of rig.sink.received) {
      assert.equal(copy.to.length, 1);
      assert.doesNotMatch(copy.raw, /^bcc:/im, `copy for ${copy.to[0]} carries no Bcc header`);
      const parsed = await parse(copy.raw);
      assert.equal(parsed.messageId, mail.messageId, "the client's Message-ID is kept");
      const names = parsed.attachments.map((a) => a.filename).sort();
      assert.deepEqual(names, ['chart.png', 'logo.png'], 'DOCX and PDF removed, PNG and inline image kept');
      assert.ok(parsed.attachments.find((a) => a.filename === 'chart.png')!.content.equals(PNG));
      const logo = parsed.attachments.find((a) => a.filename === 'logo.png')!;
      assert.ok(logo.content.equals(LOGO));
      assert.equal(logo.cid, 'logo@pagetrail.test');
      const htmlTokens = linkTokens(rig, String(parsed.html));
      const textTokens = linkTokens(rig, parsed.text ?? '');
      assert.equal(htmlTokens.length, 2, 'two document links in the HTML part');
      assert.deepEqual(textTokens, htmlTokens, 'the text part carries the same two links');
      for (const tkn of htmlTokens) {
        assert.ok(!seen.has(tkn), 'links are distinct per copy');
        seen.add(tkn);
      }
      assert.match(String(parsed.html), /Proposal\.docx[\s\S]*View document[\s\S]*Figures\.pdf/);
      assert.match(String(parsed.html), /src="cid:logo@pagetrail\.test"/, 'the HTML still points at the inline image');
    }
    // The stored message: recipients with roles, a copy per recipient with one link per document.
    const list = (await (
      await fetch(`${rig.t.url}/api/messages`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as { messages: { id: string; messageId: string; recipients: { address: string; role: string }[] }[] };
    assert.equal(list.messages.length, 1);
    const m = list.messages[0]!;
    assert.equal(m.messageId, mail.messageId);
    assert.deepEqual(m.recipients.map((r) => `${r.address}:${r.role}`).sort(), [
      'ana@example.org:to',
      'ben@example.org:to',
      'cara@example.org:cc',
      'dan@example.org:bcc',
    ]);
    const detail = (await (
      await fetch(`${rig.t.url}/api/messages/${m.id}`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as {
      copies: { recipient: string; delivery: string; links: { url: string; documentId: string }[] }[];
      documents: { id: string; name: string }[];
    };
    assert.deepEqual(
      detail.documents.map((d) => d.name),
      ['Proposal.docx', 'Figures.pdf'],
    );
    for (const c of detail.copies) {
      assert.equal(c.delivery, 'sent');
      const arrived = rig.sink.received.find((r) => r.to[0] === c.recipient)!;
      for (const l of c.links)
        assert.ok(arrived.raw.includes(l.url), `${c.recipient}'s copy carries its own link ${l.url}`);
    }
  });
});
