// CONVERT_MODE=queue: a web process hands Office conversions to worker processes through Redis. A worker converts
// and the document becomes ready; a worker killed mid-job leaves it to another; a job that always fails ends the
// document failed with a reason.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, it } from 'node:test';
import { Queue } from 'bullmq';
import type { Socket } from 'socket.io-client';
import { bullPrefix, QUEUE_NAME } from '../../server/conversion/queue.ts';
import type { DocumentUpdate } from '../../server/realtime/protocol.ts';
import { fixture } from '../helpers/fixtures.ts';
import { Deployment, type Instance, REDIS_URL } from '../helpers/instances.ts';
import { feed, once } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let d: Deployment;
let web: Instance;
let alice: Awaited<ReturnType<Deployment['sender']>>;
let docx: Buffer;
let queue: Queue;
const WORKER = { CONVERT_POOL_SIZE: '1', WORKER_CONCURRENCY: '1' };

async function upload(name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(docx)]), name);
  const res = await fetch(`${web.url}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}` },
    body: form,
  });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

async function document(id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${web.url}/api/documents/${id}`, { headers: { authorization: `Bearer ${alice.token}` } });
  return (await res.json()) as Record<string, unknown>;
}

/** Polls until the document leaves processing; bounded past a cold conversion on a loaded machine. */
async function settled(id: string): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const doc = await document(id);
      return doc.status !== 'processing' ? doc : null;
    },
    180_000,
    `document ${id} to leave processing`,
    200,
  );
}

/** The worker writes the outcome, then logs it: the line may trail the status by a moment. */
async function loggedReady(worker: Instance, id: string): Promise<void> {
  const line = new RegExp(`"documentId":"${id}".*"document ready"`);
  await eventually(() => line.test(worker.output()), 20_000, `the worker's "document ready" line for ${id}`);
}

before(async () => {
  docx = await fs.readFile(await fixture('docx', 3));
  d = await Deployment.create({
    CONVERT_MODE: 'queue',
    CONVERT_JOB_LOCK_MS: '3000',
    CONVERT_JOB_ATTEMPTS: '2',
    CONVERT_JOB_BACKOFF_MS: '200',
  });
  // The web process never converts here: the per-call engine avoids probing for the pool at start.
  web = await d.web({ CONVERTER: 'libreoffice-convert' });
  alice = await d.sender();
  const redis = new URL(REDIS_URL);
  queue = new Queue(QUEUE_NAME, {
    connection: { host: redis.hostname, port: Number(redis.port || 6379) },
    prefix: bullPrefix(d.prefix),
  });
});

after(async () => {
  await queue?.close();
  await d?.close();
});

it('a worker converts what the web process queued; the feed hears the document ready', async (t) => {
  const worker = await d.worker(WORKER);
  t.after(() => worker.stop());
  const f = feed(web.url, { token: alice.token });
  await once(f as unknown as Socket, 'presence:snapshot');
  const updates: DocumentUpdate[] = [];
  (f as unknown as Socket).on('document:updated', (u: DocumentUpdate) => updates.push(u));
  const id = await upload('Queued.docx');
  const doc = await settled(id);
  assert.equal(doc.status, 'ready', JSON.stringify(doc));
  assert.equal(doc.pageCount, 3);
  await loggedReady(worker, id);
  await eventually(() => updates.find((u) => u.id === id && u.status === 'ready'), 20_000, 'document:updated');
  f.close();
});

it('a worker killed mid-conversion leaves the job to another worker, and the document becomes ready', async (t) => {
  const first = await d.worker(WORKER);
  t.after(() => first.kill());
  const id = await upload('Killed.docx');
  await eventually(async () => (await (await queue.getJob(id))?.getState()) === 'active', 60_000, 'the job to run');
  await first.kill();
  assert.equal((await document(id)).status, 'processing', 'killed before the conversion ended');
  const second = await d.worker(WORKER);
  t.after(() => second.stop());
  const doc = await settled(id);
  assert.equal(doc.status, 'ready', JSON.stringify(doc));
  await loggedReady(second, id);
});

it('a job that fails on every try ends the document failed, with a reason', async (t) => {
  // A deadline no conversion meets (a cold soffice alone takes longer): every try ends in 503 conversion_timeout,
  // which is worth retrying, until the tries run out.
  const broken = await d.worker({
    ...WORKER,
    CONVERTER: 'uno',
    CONVERT_TIMEOUT_MS: '1000',
    CONVERT_START_TIMEOUT_MS: '1000',
  });
  t.after(() => broken.stop());
  const id = await upload('Doomed.docx');
  const doc = await settled(id);
  assert.equal(doc.status, 'failed');
  const error = doc.error as { code: string; message: string };
  assert.ok(error?.code && error.message, JSON.stringify(doc));
  await eventually(
    () => (broken.output().match(/"conversion try failed"/g) ?? []).length === 2,
    20_000,
    'two "conversion try failed" lines (CONVERT_JOB_ATTEMPTS)',
  );
});
