// Forked by event-pipeline.bench.ts: runs one server under test (the real app, or the bare relay) in its own
// process, so its CPU use and event-loop delay are its own. argv[2] is the target; argv[3] `secondary` starts
// another instance on the first one's DATA_DIR (BENCH_DATA_DIR) and Redis, serving the same link.
import { createLink, startApp, uploadReady, type TestApp } from '../../helpers/app.ts';
import { makePdf } from '../../helpers/pdf.ts';
import { TEST_POSTGRES } from '../../helpers/postgres.ts';
import type { ServerCmd, ServerMsg, Target } from './event-ipc.ts';
import { startRelay } from './relay-server.ts';
import { coresUsed, cpuMark, loopDelay } from './stats.ts';

const target = process.argv[2] as Target;
const send = (m: ServerMsg) => process.send!(m);

async function startPagetrail(
  postgres: boolean,
  synchronous: 'normal' | 'full',
): Promise<{ t: TestApp; viewerToken: string; feedToken: string }> {
  // The bench's viewers all come from 127.0.0.1 and send far more than a person would: lift both limits. On
  // PostgreSQL the app gets a fresh database of its own (dropped at close). Two instances (BENCH_DATA_DIR,
  // REDIS_URL): the same database and the same Redis prefix.
  const shared: Record<string, string> = process.env.BENCH_DATA_DIR
    ? {
        DATA_DIR: process.env.BENCH_DATA_DIR,
        REDIS_URL: process.env.REDIS_URL!,
        REDIS_PREFIX: process.env.REDIS_PREFIX!,
      }
    : {};
  const t = await startApp({
    VIEWER_EVENTS_PER_10S: '10000',
    VIEWER_VISITS_PER_MINUTE: '1000000',
    DATABASE_URL: postgres ? (process.env.DATABASE_URL ?? TEST_POSTGRES) : '',
    SQLITE_SYNCHRONOUS: synchronous,
    ...shared,
  });
  if (process.argv[3] === 'secondary') return { t, viewerToken: '', feedToken: '' };
  const sender = await t.sender();
  const id = await uploadReady(t, sender.token, makePdf(10), 'Bench.pdf');
  const link = await createLink(t, sender.token, id, { recipient: 'reader@example.org' });
  return { t, viewerToken: link.token, feedToken: sender.token };
}

async function main(): Promise<void> {
  let close: () => Promise<void>;
  let storedPageViews: () => Promise<number | null> = async () => null;
  if (target !== 'relay') {
    const { t, viewerToken, feedToken } = await startPagetrail(
      target === 'pagetrail-pg',
      target === 'pagetrail-full' ? 'full' : 'normal',
    );
    close = () => t.close();
    storedPageViews = async () => {
      const r = await t.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', '=', 'page_view')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    };
    send({ type: 'ready', url: t.url, viewerToken, feedToken });
  } else {
    const relay = await startRelay();
    close = () => relay.close();
    send({ type: 'ready', url: relay.url, viewerToken: 'relay', feedToken: 'relay' });
  }

  const loop = loopDelay();
  let mark = cpuMark();
  process.on('message', async (cmd: ServerCmd) => {
    if (cmd.type === 'mark') {
      mark = cpuMark();
      loop.read();
    } else if (cmd.type === 'stats') {
      const cores = coresUsed(mark);
      const { p99Ms, maxMs } = loop.read();
      const { rss, heapUsed } = process.memoryUsage();
      send({
        type: 'stats',
        cores,
        loopP99Ms: p99Ms,
        loopMaxMs: maxMs,
        storedPageViews: await storedPageViews(),
        rss,
        heapUsed,
      });
    } else {
      await close();
      process.exit(0);
    }
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
