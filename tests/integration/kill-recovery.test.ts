// kill -9 of the real service (server/main.ts) in the middle of an upload, a conversion and a reading session, then
// a restart on the same DATA_DIR: no half-visible document, none stuck in processing, no temp file or blob left
// that no document owns, and the reader's re-sent events stored once. SIGTERM drains within its deadline.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Reply } from '../../server/realtime/protocol.ts';
import { timeOrderedId } from '../../viewer/reader/event-id.ts';
import { createLink, uploadReady, waitReady } from '../helpers/app.ts';
import { fixture } from '../helpers/fixtures.ts';
import { Deployment, type Instance } from '../helpers/instances.ts';
import { makePdf } from '../helpers/pdf.ts';
import { started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

const GRACE_MS = 20_000;

let d: Deployment;
let sender: Awaited<ReturnType<Deployment['sender']>>;

before(async () => {
  d = await Deployment.create({ LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: String(GRACE_MS) });
  sender = await d.sender();
});

after(async () => {
  await d?.close();
});

/** Files under a folder of DATA_DIR, relative to it (none when it does not exist). */
async function filesUnder(sub: string): Promise<string[]> {
  const root = path.join(d.dataDir, sub);
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Uploads a file and returns its id as soon as it is accepted (202), while it is still processing. */
async function uploadStarted(inst: Instance, file: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await fs.readFile(file))]), name);
  const res = await fetch(`${inst.url}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sender.token}` },
    body: form,
  });
  assert.equal(res.status, 202, `upload of ${name}`);
  return ((await res.json()) as { id: string }).id;
}

/** After a restart: every document is ready or failed with a reason, and every blob belongs to a document. */
async function settled(inst: Instance): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${inst.url}/api/documents`, { headers: { authorization: `Bearer ${sender.token}` } });
  const { documents } = (await res.json()) as { documents: { id: string }[] };
  const docs = await Promise.all(documents.map((doc) => waitReady(inst, sender.token, doc.id)));
  for (const doc of docs) {
    assert.notEqual(doc.status, 'processing', `document ${String(doc.id)} left processing`);
    if (doc.status === 'failed') assert.ok((doc.error as { code?: string })?.code, 'a failed document says why');
  }
  const ids = new Set((await d.db.selectFrom('documents').select('id').execute()).map((r) => r.id));
  const blobs = await filesUnder('blobs');
  const orphans = blobs.filter((f) => f.startsWith('docs/') && !ids.has(f.split('/')[1]!));
  assert.deepEqual(orphans, [], 'no blob without its document');
  assert.deepEqual(
    blobs.filter((f) => /\.tmp-/.test(f)),
    [],
    'no half-written blob',
  );
  return docs;
}

it('kill -9 mid multipart body: after restart no document from it and no temp file', { timeout: 300_000 }, async () => {
  let inst = await d.web();
  const before = await d.db.selectFrom('documents').select('id').execute();
  const boundary = 'pagetrailkill';
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="Half.pdf"\r\n` +
      'content-type: application/pdf\r\n\r\n',
  );
  const pdf = makePdf(40);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = http.request(`${inst.url}/api/documents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${sender.token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + pdf.length + tail.length,
    },
  });
  req.on('error', () => undefined);
  req.write(head);
  req.write(pdf.subarray(0, Math.floor(pdf.length / 2)));
  // The body is being written to the temp folder when the process dies.
  await eventually(async () => (await filesUnder('tmp')).length > 0, 30_000, 'the upload to reach the temp folder');
  await inst.kill();
  req.destroy();
  assert.ok((await filesUnder('tmp')).length > 0, 'the killed process left its partial upload');

  inst = await d.web();
  assert.deepEqual(await filesUnder('tmp'), [], 'the partial upload was swept at start');
  const now = await d.db.selectFrom('documents').select('id').execute();
  assert.equal(now.length, before.length, 'no document appeared from the half upload');
  await settled(inst);
  await inst.stop();
});

it('kill -9 mid conversion: after restart the document is converted or failed, nothing left over', {
  timeout: 400_000,
}, async () => {
  const file = await fixture('docx', 3);
  let inst = await d.web();
  const id = await uploadStarted(inst, file, 'Killed.docx');
  // Killed while the pooled soffice starts or converts (a cold one takes seconds).
  await new Promise((r) => setTimeout(r, 1000));
  const row = await d.db.selectFrom('documents').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'processing', 'killed before the conversion ended');
  await inst.kill();

  inst = await d.web();
  const docs = await settled(inst);
  const doc = docs.find((x) => x.id === id)!;
  assert.equal(doc.status, 'ready', `the interrupted conversion was resumed: ${JSON.stringify(doc.error)}`);
  assert.equal(doc.pageCount, 3);
  await eventually(async () => (await filesUnder('tmp')).length === 0, 60_000, 'the temp folder to empty');
  await inst.stop();
});

it('kill -9 mid reading session: the reader re-sends what was not acknowledged; each event stored once', {
  timeout: 300_000,
}, async () => {
  let inst = await d.web({ VIEWER_EVENTS_PER_10S: '10000' });
  const docId = await uploadReady(inst, sender.token, makePdf(3), 'Read.pdf');
  const link = await createLink(inst, sender.token, docId, { recipient: 'killed-reading@example.org' });
  const pending = new Map<string, { id: string; page: number; durationMs: number }>();
  const acked = new Set<string>();
  const send = (s: Socket, e: { id: string; page: number; durationMs: number }) =>
    s.timeout(5000).emit('page:view', e, (err: Error | null, reply: Reply<{ seq: number }>) => {
      if (err || 'error' in reply) return;
      pending.delete(e.id);
      acked.add(e.id);
    });

  const first = viewer(inst.url, { token: link.token }) as unknown as Socket;
  const { visitId } = await started(first as never);
  for (let i = 0; i < 30; i++) {
    const e = { id: timeOrderedId(), page: 1 + (i % 3), durationMs: 5 };
    pending.set(e.id, e);
    send(first, e);
  }
  // Some are acknowledged, the rest are in the air when the process dies.
  await eventually(() => acked.size >= 1, 30_000, 'a first acknowledgement');
  for (let i = 0; i < 30; i++) {
    const e = { id: timeOrderedId(), page: 1 + (i % 3), durationMs: 5 };
    pending.set(e.id, e);
    send(first, e);
  }
  await inst.kill();
  first.close();
  const ackedBefore = new Set(acked);

  inst = await d.web({ VIEWER_EVENTS_PER_10S: '10000' });
  const again = viewer(inst.url, { token: link.token, visitId }) as unknown as Socket;
  const resumed = await started(again as never);
  assert.equal(resumed.visitId, visitId, 'the visit resumed after the restart');
  // Everything made, acknowledged or not, is sent again, as the reader's outbox does after a reconnect.
  const all = [...ackedBefore, ...pending.keys()];
  const sentAgain = new Map(pending);
  for (const e of sentAgain.values()) send(again, e);
  await eventually(() => pending.size === 0, 60_000, 'every re-sent event acknowledged');
  again.close();

  const rows = await d.db
    .selectFrom('events')
    .select(['client_id', 'duration_ms'])
    .where('visit_id', '=', visitId)
    .where('type', '=', 'page_view')
    .execute();
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.client_id!, (count.get(r.client_id!) ?? 0) + 1);
  for (const id of all) assert.equal(count.get(id), 1, `event ${id} stored exactly once`);
  assert.equal(rows.length, all.length, 'nothing else stored');
  const total = await d.db
    .selectFrom('visit_totals')
    .select('accounted_ms')
    .where('visit_id', '=', visitId)
    .executeTakeFirstOrThrow();
  assert.equal(Number(total.accounted_ms), rows.length * 5, "the visit's total matches its events");
  await settled(inst);
  await inst.stop();
});

it('SIGTERM drains a conversion in progress within its deadline and exits 0', { timeout: 300_000 }, async () => {
  const file = await fixture('pptx', 2);
  const inst = await d.web();
  const id = await uploadStarted(inst, file, 'Draining.pptx');
  const t0 = Date.now();
  inst.child.kill('SIGTERM');
  const code = await inst.exited;
  const took = Date.now() - t0;
  assert.equal(code, 0, inst.output());
  assert.match(inst.output(), /"msg":"stopped"/);
  // The deadline is the grace period plus the converter's and storage's own short closes; this bound only
  // tells a drain that ends from one that hangs.
  assert.ok(took < GRACE_MS + 20_000, `stopped in ${took} ms (grace ${GRACE_MS} ms)`);
  const row = await d.db.selectFrom('documents').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  // Drained means finished: converted, or failed because the deadline passed; never left processing.
  assert.ok(row.status === 'ready' || row.status === 'failed', `status after the drain: ${row.status}`);
  const next = await d.web();
  await settled(next);
  await next.stop();
});
