// The supervisor's rules, checked against a fake worker process whose jobs finish when the test says so.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../server/errors.ts';
import { createLogger } from '../../server/logger.ts';
import { Supervisor, type SupervisorOptions, type Worker } from '../../server/conversion/supervisor.ts';

/** A job is a name; `hang` never finishes, `crash` makes the process exit, `fail` rejects. */
class FakeWorker implements Worker<string, string> {
  readonly exited: Promise<void>;
  killed = false;
  stopped = false;
  jobs: string[] = [];
  pings = 0;
  private exit!: () => void;
  readonly id: number;

  constructor(id: number) {
    this.id = id;
    this.exited = new Promise((resolve) => {
      this.exit = resolve;
    });
  }

  async run(job: string): Promise<string> {
    this.jobs.push(job);
    if (job === 'hang') return new Promise(() => {});
    if (job === 'crash' || (job === 'crash-once' && this.id === 1)) {
      setImmediate(() => this.exit());
      return new Promise(() => {});
    }
    await new Promise((r) => setTimeout(r, job.startsWith('slow') ? 50 : 1));
    if (job === 'fail') throw new Error('load failed');
    // The process died under the call and the worker said so before its exit was seen.
    if (job === 'gone-once' && this.id === 1) throw Object.assign(new Error('bridge disposed'), { processGone: true });
    return `${job}@${this.id}`;
  }

  async ping(): Promise<void> {
    this.pings++;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.exit();
  }
  kill(): void {
    this.killed = true;
    this.exit();
  }
  die(): void {
    this.exit();
  }
}

function setup(o: Partial<SupervisorOptions<string, string>> = {}) {
  const workers: FakeWorker[] = [];
  const sup = new Supervisor<string, string>({
    size: 1,
    queueMax: 2,
    timeoutMs: 200,
    restartAfter: 100,
    logger: createLogger('silent'),
    start: async () => {
      const w = new FakeWorker(workers.length + 1);
      workers.push(w);
      return w;
    },
    ...o,
  });
  return { sup, workers };
}

const isApp = (status: number, code: string) => (err: unknown) =>
  err instanceof AppError && err.status === status && err.code === code;

describe('Supervisor', () => {
  test('starts lazily, on the first job', async () => {
    const { sup, workers } = setup();
    assert.equal(workers.length, 0);
    assert.equal(sup.status().ready, true);
    assert.equal(await sup.run('a'), 'a@1');
    assert.equal(workers.length, 1);
    await sup.close();
  });

  test('runs one job per worker and spreads jobs over the pool', async () => {
    const { sup, workers } = setup({ size: 3, queueMax: 10 });
    const results = await Promise.all(['slow1', 'slow2', 'slow3', 'slow4', 'slow5', 'slow6'].map((j) => sup.run(j)));
    assert.equal(workers.length, 3);
    assert.deepEqual(new Set(results.map((r) => r.split('@')[1])), new Set(['1', '2', '3']));
    for (const w of workers) assert.equal(w.jobs.length, 2);
    await sup.close();
  });

  test('refuses at once with 429 when the queue is full, and reports queued/running', async () => {
    const { sup } = setup({ queueMax: 1 });
    const running = sup.run('slow-a');
    const queued = sup.run('slow-b');
    await assert.rejects(sup.run('c'), isApp(429, 'conversion_queue_full'));
    assert.deepEqual({ queued: sup.status().queued, running: sup.status().running }, { queued: 1, running: 1 });
    assert.equal(await running, 'slow-a@1');
    assert.equal(await queued, 'slow-b@1');
    await sup.close();
  });

  test('a job past its deadline fails with 503, its worker is killed and replaced, the next job runs', async () => {
    const { sup, workers } = setup({ timeoutMs: 100 });
    const t = Date.now();
    await assert.rejects(sup.run('hang'), isApp(503, 'conversion_timeout'));
    assert.ok(Date.now() - t < 1000);
    assert.equal(workers[0]!.killed, true);
    assert.equal(await sup.run('b'), 'b@2');
    await sup.close();
  });

  test('restarts a worker after N jobs', async () => {
    const { sup, workers } = setup({ restartAfter: 2 });
    assert.deepEqual([await sup.run('a'), await sup.run('b'), await sup.run('c')], ['a@1', 'b@1', 'c@2']);
    assert.equal(workers[0]!.stopped, true);
    await sup.close();
  });

  test('a job whose worker exits mid-job is retried once on a fresh worker, then fails with 422', async () => {
    const { sup, workers } = setup();
    await assert.rejects(sup.run('crash'), isApp(422, 'conversion_failed'));
    assert.deepEqual(
      workers.slice(0, 2).map((w) => w.jobs),
      [['crash'], ['crash']],
      'tried on two processes',
    );
    assert.equal(await sup.run('a'), 'a@3');
    await sup.close();
  });

  test('a job that crashed its worker once succeeds on the fresh one', async () => {
    const { sup } = setup();
    assert.equal(await sup.run('crash-once'), 'crash-once@2');
    await sup.close();
  });

  test('a job whose worker reports its process gone is retried on a fresh one, like a crash', async () => {
    const { sup, workers } = setup();
    assert.equal(await sup.run('gone-once'), 'gone-once@2');
    assert.equal(workers[0]!.killed, true, 'the worker whose process went is not used again');
    await sup.close();
  });

  test('a worker that exits while idle is noticed and replaced on the next job', async () => {
    const { sup, workers } = setup();
    await sup.run('a');
    workers[0]!.die();
    await new Promise((r) => setImmediate(r));
    assert.equal(sup.status().workers, 0);
    assert.equal(await sup.run('b'), 'b@2');
    await sup.close();
  });

  test('probes a worker that sat idle before giving it a job', async () => {
    const { sup, workers } = setup({ idleProbeMs: 0 });
    await sup.run('a');
    await new Promise((r) => setTimeout(r, 5));
    await sup.run('b');
    assert.equal(workers[0]!.pings, 1);
    await sup.close();
  });

  test('a failing job rejects but keeps the worker', async () => {
    const { sup, workers } = setup();
    await assert.rejects(sup.run('fail'), /load failed/);
    assert.equal(await sup.run('a'), 'a@1');
    assert.equal(workers.length, 1);
    await sup.close();
  });

  test('an aborted job is removed from the queue, or its worker killed when running', async () => {
    const { sup, workers } = setup({ timeoutMs: 5000 });
    const runningCtl = new AbortController();
    const queuedCtl = new AbortController();
    const running = sup.run('hang', runningCtl.signal);
    const queued = sup.run('a', queuedCtl.signal);
    queuedCtl.abort();
    await assert.rejects(queued, isApp(503, 'conversion_aborted'));
    await new Promise((r) => setTimeout(r, 5));
    runningCtl.abort();
    await assert.rejects(running, isApp(503, 'conversion_aborted'));
    assert.equal(workers[0]!.killed, true);
    await sup.close();
  });

  test('a failed start rejects the job with 503 and the next job tries again', async () => {
    let attempts = 0;
    const sup = new Supervisor<string, string>({
      size: 1,
      queueMax: 1,
      timeoutMs: 100,
      restartAfter: 10,
      logger: createLogger('silent'),
      start: async () => {
        if (++attempts === 1) throw new Error('no soffice');
        return new FakeWorker(attempts);
      },
    });
    await assert.rejects(sup.run('a'), isApp(503, 'converter_unavailable'));
    assert.equal(await sup.run('b'), 'b@2');
    await sup.close();
  });

  test('close() refuses queued jobs, waits for running ones, stops every worker and refuses new jobs', async () => {
    const { sup, workers } = setup({ size: 1, queueMax: 5 });
    const running = sup.run('slow-a');
    const queued = sup.run('b');
    await new Promise((r) => setImmediate(r));
    const closing = sup.close(1000);
    await assert.rejects(queued, isApp(503, 'converter_closed'));
    assert.equal(await running, 'slow-a@1');
    await closing;
    assert.equal(workers[0]!.stopped, true);
    assert.equal(sup.status().ready, false);
    await assert.rejects(sup.run('c'), isApp(503, 'converter_closed'));
  });

  test('close() kills a job that outlives the deadline', async () => {
    const { sup, workers } = setup({ timeoutMs: 10_000 });
    const hung = sup.run('hang');
    await new Promise((r) => setTimeout(r, 5));
    await sup.close(50);
    assert.equal(workers[0]!.killed, true);
    await assert.rejects(hung, isApp(503, 'converter_closed'));
  });

  test("picks the next job fairly between owners: one owner's many jobs do not hold up another's", async () => {
    const { sup, workers } = setup({ size: 1, queueMax: 10 });
    const done: string[] = [];
    const run = (job: string, owner: string) => sup.run(job, { owner }).then((r) => done.push(r.split('@')[0]!));
    const all = ['slow-a1', 'slow-a2', 'slow-a3', 'slow-a4'].map((j) => run(j, 'alice'));
    all.push(run('slow-b1', 'bob'), run('slow-b2', 'bob'), run('slow-c1', 'carol'));
    await Promise.all(all);
    assert.deepEqual(done, ['slow-a1', 'slow-b1', 'slow-c1', 'slow-a2', 'slow-b2', 'slow-a3', 'slow-a4']);
    assert.equal(workers.length, 1);
    await sup.close();
  });

  test('an admitted job is queued even past the bound; others are still refused', async () => {
    const { sup } = setup({ queueMax: 1 });
    const jobs = [sup.run('slow-a'), sup.run('slow-b')];
    await assert.rejects(sup.run('c'), isApp(429, 'conversion_queue_full'));
    jobs.push(sup.run('slow-c', { admitted: true }));
    assert.deepEqual(await Promise.all(jobs), ['slow-a@1', 'slow-b@1', 'slow-c@1']);
    await sup.close();
  });
});
