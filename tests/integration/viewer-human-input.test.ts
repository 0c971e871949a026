// Scanners that run the reader: a viewer visit of a copy's link that starts right after the copy's delivery and
// ends with no human input reported (`visit:input`) is marked automated (`no_human_input`), its events too, and
// analytics leave it out; with an input message, or long after delivery, it stays a person's. Real app, relay sink,
// socket.io-client playing the reader.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Analytics } from '../../server/api-types.ts';
import { type TestSender, uploadReady } from '../helpers/app.ts';
import { composeForm, linkTokens, type MailRig, parse, startMailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';
import { HEADLESS_UA } from '../helpers/signals.ts';
import { pageView, started, viewer, type ViewerClient } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

const WAIT = 30_000;
let rig: MailRig;
let s: TestSender;
let docId: string;
/** Each recipient's link token to the document. */
const tokens = new Map<string, string>();

before(async () => {
  // Generous: "right after delivery" must hold on a slow machine too.
  rig = await startMailRig({ MAIL_SCAN_WINDOW_SECONDS: '120' });
  s = await rig.t.sender();
  docId = await uploadReady(rig.t, s.token, makePdf(2), 'Offer.pdf');
  const res = await composeForm(rig, s, {
    to: 'scan@example.org, person@example.org, late@example.org, bot@example.org',
    subject: 'Offer',
    text: 'See the offer.',
    documents: docId,
  });
  assert.equal(res.status, 201, await res.text());
  for (const copy of rig.sink.received) {
    const [token] = linkTokens(rig, String((await parse(copy.raw)).text));
    assert.ok(token, `a link in ${copy.to[0]}'s copy`);
    tokens.set(copy.to[0]!, token);
  }
  assert.equal(tokens.size, 4);
});
after(async () => {
  await rig?.close();
});

/** Opens the reader on `recipient`'s link, optionally reports input, reads page 1, leaves; returns the visit id. */
async function visit(recipient: string, opts: { input?: boolean; ua?: string } = {}): Promise<string> {
  const v: ViewerClient = viewer(
    rig.t.url,
    { token: tokens.get(recipient)! },
    opts.ua ? { 'user-agent': opts.ua } : {},
  );
  try {
    const info = await started(v);
    if (opts.input) for (let i = 0; i < 5; i++) v.emit('visit:input' as never);
    const ack = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 });
    assert.ok('data' in ack, 'page event stored');
    return info.visitId;
  } finally {
    v.close();
  }
}

const visitRow = (id: string) =>
  rig.t.db.selectFrom('visits').select('automated').where('id', '=', id).executeTakeFirstOrThrow();
const eventRows = (id: string) =>
  rig.t.db.selectFrom('events').select(['type', 'automated', 'automated_reason']).where('visit_id', '=', id).execute();

describe('viewer visits without human input', () => {
  it('marks a visit right after delivery with no input automated, and only that one', async () => {
    await rig.t.db
      .updateTable('message_copies')
      .set({ delivered_at: new Date(Date.now() - 3600_000).toISOString() })
      .where(
        'recipient_id',
        'in',
        rig.t.db.selectFrom('message_recipients').select('id').where('address', '=', 'late@example.org'),
      )
      .execute();
    const person = await visit('person@example.org', { input: true });
    const late = await visit('late@example.org');
    // Another rule's verdict stands: input never un-marks a headless browser.
    const bot = await visit('bot@example.org', { input: true, ua: HEADLESS_UA });
    const scan = await visit('scan@example.org');

    await eventually(async () => (await visitRow(scan)).automated === 1, WAIT, 'the scanner visit to be marked');
    const scanEvents = await eventRows(scan);
    assert.deepEqual(
      scanEvents.map((e) => [e.type, e.automated, e.automated_reason]),
      [
        ['open', 1, 'no_human_input'],
        ['page_view', 1, 'no_human_input'],
      ],
    );
    // Judged in the order the visits ended: the earlier ones were judged before the scanner's was marked.
    for (const [name, id] of [
      ['with input', person],
      ['long after delivery', late],
    ] as const) {
      assert.equal((await visitRow(id)).automated, 0, `the visit ${name} stays a person's`);
      assert.ok(
        (await eventRows(id)).every((e) => e.automated === 0 && e.automated_reason === null),
        `events of the visit ${name} stay a person's`,
      );
    }
    assert.equal((await visitRow(bot)).automated, 1, 'a headless browser stays automated despite its input');
    assert.ok((await eventRows(bot)).every((e) => e.automated === 1 && e.automated_reason !== 'no_human_input'));

    const analytics = (await (
      await fetch(`${rig.t.url}/api/documents/${docId}/analytics`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as Analytics;
    assert.equal(analytics.visits, 2, 'analytics count the two people only');
  });
});
