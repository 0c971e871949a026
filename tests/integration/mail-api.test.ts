// The messages API: a preview returns the rewritten copies and sends nothing; send goes through the same rewrite;
// another sender's messages are 404; the tracking switch; the same file from the same sender reuses its document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestSender } from '../helpers/app.ts';
import { compose, linkTokens, parse, startMailRig, type MailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';
import { eventually } from '../helpers/wait.ts';

const PDF = makePdf(2);

async function post(rig: MailRig, s: TestSender, path: string, raw: Buffer, type = 'message/rfc822') {
  return fetch(`${rig.t.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': type },
    body: new Uint8Array(raw),
  });
}

const get = (rig: MailRig, s: TestSender, path: string) =>
  fetch(`${rig.t.url}${path}`, { headers: { authorization: `Bearer ${s.token}` } });

describe('messages API', () => {
  let rig: MailRig;
  let s: TestSender;
  let other: TestSender;
  before(async () => {
    rig = await startMailRig();
    s = await rig.t.sender();
    other = await rig.t.sender();
  });
  after(() => rig.close());

  it('POST /api/messages returns one rewritten copy per recipient without sending anything', async () => {
    const raw = await compose({
      from: s.email,
      to: 'ana@example.org',
      cc: 'ben@example.org',
      bcc: 'cara@example.org',
      subject: 'Preview',
      text: 'Hi',
      attachments: [{ filename: 'Plan.pdf', content: PDF }],
    });
    const res = await post(rig, s, '/api/messages', raw);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { messages: { recipient: string; raw: string }[] };
    assert.deepEqual(
      body.messages.map((m) => m.recipient),
      ['ana@example.org', 'ben@example.org', 'cara@example.org'],
    );
    const tokens = new Set<string>();
    for (const m of body.messages) {
      assert.doesNotMatch(m.raw, /^bcc:/im);
      const parsed = await parse(m.raw);
      assert.equal(parsed.attachments.length, 0, 'the PDF is replaced by a link');
      for (const t of linkTokens(rig, parsed.text ?? '')) tokens.add(t);
    }
    assert.equal(tokens.size, 3, 'a distinct link per recipient');
    assert.equal(rig.sink.received.length, 0, 'nothing was sent');
    const list = (await (await get(rig, s, '/api/messages')).json()) as { messages: unknown[] };
    assert.equal(list.messages.length, 0, 'a preview is not a sent message');
  });

  it('refuses a body that is not message/rfc822 with 415', async () => {
    const res = await post(rig, s, '/api/messages', Buffer.from('{}'), 'application/json');
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'message_type_required');
  });

  it('POST /api/messages/send sends; another sender gets 404 for it and sees none of it', async () => {
    const raw = await compose({
      from: s.email,
      to: 'dan@example.org',
      subject: 'Sent by API',
      text: 'Hi',
      attachments: [{ filename: 'Plan.pdf', content: PDF }],
    });
    const res = await post(rig, s, '/api/messages/send', raw);
    assert.equal(res.status, 201, await res.clone().text());
    const sent = (await res.json()) as {
      id: string;
      recipients: { address: string; role: string; delivery: string }[];
    };
    assert.deepEqual(sent.recipients, [{ address: 'dan@example.org', role: 'to', delivery: 'sent' }]);
    assert.equal(rig.sink.received.length, 1);
    assert.equal((await get(rig, s, `/api/messages/${sent.id}`)).status, 200);
    const foreign = await get(rig, other, `/api/messages/${sent.id}`);
    assert.equal(foreign.status, 404);
    assert.equal(((await foreign.json()) as { error: { code: string } }).error.code, 'not_found');
    assert.deepEqual(await (await get(rig, other, '/api/messages')).json(), { messages: [] });
    // The same PDF again (preview above, send here): one document, reused by content hash.
    const docs = (await (await get(rig, s, '/api/documents')).json()) as { documents: unknown[] };
    assert.equal(docs.documents.length, 1);
  });

  it('X-Pagetrail-Track: off leaves every attachment attached and adds no links', async () => {
    const raw = await compose({
      from: s.email,
      to: 'eve@example.org',
      subject: 'Untracked',
      text: 'Hi',
      headers: { 'X-Pagetrail-Track': 'off' },
      attachments: [{ filename: 'Other.pdf', content: makePdf(1) }],
    });
    const body = (await (await post(rig, s, '/api/messages', raw)).json()) as { messages: { raw: string }[] };
    const parsed = await parse(body.messages[0]!.raw);
    assert.deepEqual(
      parsed.attachments.map((a) => a.filename),
      ['Other.pdf'],
    );
    assert.equal(linkTokens(rig, parsed.text ?? '').length, 0);
    assert.doesNotMatch(body.messages[0]!.raw, /X-Pagetrail-Track/i, 'the control header does not travel');
  });

  it('a sender whose mail tracking is off keeps every attachment attached', async () => {
    const quiet = await rig.t.sender();
    await rig.t.app.accounts.setMailTracking(quiet.id, false);
    const raw = await compose({
      from: quiet.email,
      to: 'gus@example.org',
      subject: 'Sender off',
      text: 'Hi',
      attachments: [{ filename: 'Plain.pdf', content: makePdf(1) }],
    });
    const body = (await (await post(rig, quiet, '/api/messages', raw)).json()) as { messages: { raw: string }[] };
    const parsed = await parse(body.messages[0]!.raw);
    assert.deepEqual(
      parsed.attachments.map((a) => a.filename),
      ['Plain.pdf'],
    );
    assert.equal(linkTokens(rig, parsed.text ?? '').length, 0);
    await rig.t.app.accounts.setMailTracking(quiet.id, true);
    const again = await compose({
      from: quiet.email,
      to: 'gus@example.org',
      subject: 'Sender on',
      text: 'Hi',
      attachments: [{ filename: 'Plain.pdf', content: makePdf(1) }],
    });
    const on = (await (await post(rig, quiet, '/api/messages', again)).json()) as { messages: { raw: string }[] };
    assert.equal((await parse(on.messages[0]!.raw)).attachments.length, 0, 'back on, the PDF becomes a link');
  });

  it('a part with X-Pagetrail-Track: off stays attached while the others become links', async () => {
    const raw = await compose({
      from: s.email,
      to: 'fay@example.org',
      subject: 'One untracked',
      text: 'Hi',
      attachments: [
        { filename: 'Keep.pdf', content: makePdf(1), headers: { 'X-Pagetrail-Track': 'off' } },
        { filename: 'Link.pdf', content: makePdf(3) },
      ],
    });
    const body = (await (await post(rig, s, '/api/messages', raw)).json()) as { messages: { raw: string }[] };
    const parsed = await parse(body.messages[0]!.raw);
    assert.deepEqual(
      parsed.attachments.map((a) => a.filename),
      ['Keep.pdf'],
    );
    assert.equal(linkTokens(rig, parsed.text ?? '').length, 1);
  });

  it("a copy's document thumbnail may be embedded by webmail on another site", async () => {
    const raw = await compose({
      from: s.email,
      to: 'ana@example.org',
      subject: 'Thumbnail',
      text: 'Hi',
      html: '<p>Hi</p>',
      attachments: [{ filename: 'Deck.pdf', content: makePdf(4) }],
    });
    const body = (await (await post(rig, s, '/api/messages', raw)).json()) as { messages: { raw: string }[] };
    const parsed = await parse(body.messages[0]!.raw);
    const src = /<img[^>]+src="([^"]+\/thumbnail)"/.exec(String(parsed.html))?.[1];
    assert.ok(src, 'the HTML part shows the document with its thumbnail');
    const res = await eventually(
      async () => {
        const r = await fetch(src);
        return r.status === 200 ? r : null;
      },
      30_000,
      'the thumbnail answered 200',
    );
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
  });
});
