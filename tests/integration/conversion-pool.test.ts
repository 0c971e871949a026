// The warm UNO pool under stress: a hung soffice, concurrency, a full queue, restarts and a clean close.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OfficeFormat } from '../../server/conversion/converter.ts';
import { inspectPdf } from '../../server/conversion/pdf-inspect.ts';
import type { UnoPoolConverter } from '../../server/conversion/uno-pool.ts';
import { AppError } from '../../server/errors.ts';
import { unoPool, workRoot } from '../helpers/converters.ts';
import { CORPUS_DIR, corpusAvailable } from '../helpers/corpus.ts';
import { fixture } from '../helpers/fixtures.ts';
import { isAlive, officeProcesses } from '../helpers/processes.ts';
import { eventually } from '../helpers/wait.ts';

let root: string;
let n = 0;

before(async () => {
  root = await workRoot('pool');
});
after(async () => {
  assert.deepEqual(await officeProcesses(root), [], 'no soffice.bin left behind by any test');
  await fs.rm(root, { recursive: true, force: true });
});

async function job(format: OfficeFormat, pages: number) {
  const dir = path.join(root, `job-${++n}`);
  await fs.mkdir(dir);
  return { inputPath: await fixture(format, pages), format, outputDir: dir };
}

// The warm-up job shares this deadline, so it is long enough for a 1-page DOCX on a loaded machine.
const DEADLINE_MS = 15_000;

describe('a hung conversion', () => {
  let pool: UnoPoolConverter;
  // No idle probe: on a loaded machine the gap between the warm-up and the job can pass the probe's idle time, and
  // the freeze would then hit the probe instead of the job.
  before(() => {
    pool = unoPool(path.join(root, 'hung'), { size: 1, timeoutMs: DEADLINE_MS, idleProbeMs: 600_000 });
  });
  after(() => pool.close(5000));

  test('ends with 503 conversion_timeout within the deadline, and the process is replaced', async () => {
    // The big job's input is made first: making a fixture takes seconds, and the pool probes a worker idle for a
    // second before handing it a job, so the freeze would hit the probe instead of the job.
    const big = await job('docx', 30);
    await pool.convert(await job('docx', 1)); // warm: one soffice running
    const [stuck] = await officeProcesses(pool.workRoot);
    assert.ok(stuck, 'a pooled soffice.bin is running');

    const started = Date.now();
    const pending = pool.convert(big);
    setImmediate(() => process.kill(stuck, 'SIGSTOP')); // freeze soffice while the job is in flight
    await assert.rejects(
      pending,
      (err: AppError) => err instanceof AppError && err.status === 503 && err.code === 'conversion_timeout',
    );
    const took = Date.now() - started;
    // At the deadline, not before; the upper bound leaves room for a loaded machine (a frozen soffice never ends).
    assert.ok(took >= DEADLINE_MS - 100 && took < DEADLINE_MS + 15_000, `rejected after ${took} ms`);

    await eventually(() => !isAlive(stuck), 30_000, 'the frozen soffice.bin was killed');
    await eventually(
      async () => (await officeProcesses(pool.workRoot)).length === 1,
      30_000,
      'a replacement is running',
    );
    const [replacement] = await officeProcesses(pool.workRoot);
    assert.notEqual(replacement, stuck);

    const pdf = await pool.convert(await job('docx', 2));
    assert.equal((await inspectPdf(pdf)).pageCount, 2, 'the next conversion succeeds');
  });
});

describe('concurrency and the queue bound', () => {
  let pool: UnoPoolConverter;
  before(() => {
    pool = unoPool(path.join(root, 'busy'), { size: 2, queueMax: 4 });
  });
  after(() => pool.close(5000));

  test('4 concurrent conversions succeed with distinct outputs', async () => {
    const jobs = await Promise.all([1, 2, 3, 4].map((pages) => job(pages % 2 ? 'docx' : 'pptx', pages)));
    const pdfs = await Promise.all(jobs.map((j) => pool.convert(j)));
    assert.equal(new Set(pdfs).size, 4);
    for (const [i, pdf] of pdfs.entries()) {
      assert.equal(path.dirname(pdf), jobs[i]!.outputDir);
      assert.equal((await inspectPdf(pdf)).pageCount, i + 1);
    }
    assert.equal(pool.status().running, 0);
    assert.equal(pool.status().queued, 0);
  });

  test('a full queue answers 429 conversion_queue_full at once', async () => {
    const small = unoPool(path.join(root, 'small'), { size: 1, queueMax: 1 });
    try {
      const jobs = await Promise.all([10, 11, 12].map((pages) => job('docx', pages)));
      const results = await Promise.allSettled(jobs.map((j) => small.convert(j)));
      const refused = results.filter((r) => r.status === 'rejected');
      assert.equal(refused.length, 1, 'one running, one queued, one refused');
      const reason = (refused[0] as PromiseRejectedResult).reason as AppError;
      assert.ok(reason instanceof AppError);
      assert.equal(reason.status, 429);
      assert.equal(reason.code, 'conversion_queue_full');
    } finally {
      await small.close(5000);
    }
  });
});

describe('lifecycle', () => {
  test('starts lazily, restarts after N jobs, recovers from a crash, and close() leaves nothing behind', async () => {
    const pool = unoPool(path.join(root, 'life'), { size: 1, restartAfter: 2 });
    try {
      assert.equal(pool.status().ready, true);
      assert.deepEqual(await officeProcesses(pool.workRoot), [], 'nothing started before the first job');

      await pool.convert(await job('odt', 1));
      const [first] = await officeProcesses(pool.workRoot);
      await pool.convert(await job('odt', 1)); // second job: quota reached, restart
      await eventually(() => !isAlive(first!), 30_000, 'replaced after 2 jobs');

      await pool.convert(await job('odt', 1));
      const [current] = await officeProcesses(pool.workRoot);
      process.kill(current!, 'SIGKILL'); // crash while idle
      await eventually(() => !isAlive(current!), 30_000, 'the killed soffice.bin is gone');
      await eventually(() => pool.liveProcesses() === 0, 30_000, 'the crash is noticed while idle');
      const pdf = await pool.convert(await job('odt', 3));
      assert.equal((await inspectPdf(pdf)).pageCount, 3, 'a crashed process is replaced on demand');
    } finally {
      await pool.close(5000);
    }
    assert.deepEqual(await officeProcesses(path.join(root, 'life')), []);
    await assert.rejects(pool.convert(await job('odt', 1)), (err: AppError) => err.status === 503);
    assert.equal(pool.status().ready, false);
  });
});

describe('isolation', () => {
  test('two pools never share a soffice: freezing one leaves the other working', async () => {
    const a = unoPool(path.join(root, 'iso-a'), { size: 1 });
    // A shared soffice would leave b's job frozen until this deadline.
    const b = unoPool(path.join(root, 'iso-b'), { size: 1, timeoutMs: 30_000 });
    try {
      await a.convert(await job('odt', 1));
      const frozen = await officeProcesses(a.workRoot);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      const pdf = await b.convert(await job('odt', 2));
      assert.equal((await inspectPdf(pdf)).pageCount, 2);
      assert.equal((await officeProcesses(b.workRoot)).length, 1);
    } finally {
      await Promise.all([a.close(2000), b.close(2000)]);
    }
  });
});

describe('a document that crashes the pooled soffice', () => {
  let pool: UnoPoolConverter;
  // poi__Fuzzed.doc (from Apache POI's tests) crashes soffice when loaded over UNO, and plain --convert-to
  // converts it to 8 pages: the pool retries it once on a fresh process, then falls back to a fresh soffice.
  const file = path.join(CORPUS_DIR, 'poi__Fuzzed.doc');
  const skip = corpusAvailable() ? false : `the document corpus is not at ${CORPUS_DIR}`;
  before(() => {
    pool = unoPool(path.join(root, 'crashing'), { size: 1 });
  });
  after(() => pool.close(5000));

  test('converts through the fallback, and two at once on a pool of one both wait their turn', {
    skip,
    timeout: 600_000,
  }, async () => {
    const one = async () => {
      const dir = path.join(root, `job-${++n}`);
      await fs.mkdir(dir);
      const input = path.join(dir, 'in.doc');
      await fs.copyFile(file, input);
      return pool.convert({ inputPath: input, format: 'doc', outputDir: dir });
    };
    const pdfs = await Promise.all([one(), one()]);
    for (const pdf of pdfs) assert.equal((await inspectPdf(pdf)).pageCount, 8, 'the fuzzed .doc has 8 pages');
    const pdf = await pool.convert(await job('docx', 2));
    assert.equal((await inspectPdf(pdf)).pageCount, 2, 'the pool still converts afterwards');
  });
});
