// The conversion worker's composition root (`npm run worker`): the same configuration as the web process (database,
// blob store, Redis, converter settings), no HTTP. Takes conversion jobs until SIGTERM, then lets running ones
// finish within SHUTDOWN_GRACE_MS; a job cut short goes back to the queue for another worker.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configOrExit, openStorage } from './boot.ts';
import { createConverter } from './conversion/index.ts';
import { alive } from './conversion/proc-sweep.ts';
import { bullPrefix } from './conversion/queue.ts';
import { startConversionWorker } from './conversion/worker.ts';
import { category, createLogger } from './logger.ts';

const config = configOrExit();
const logger = createLogger(config.LOG_LEVEL);
const log = category(logger, 'convert');
if (!config.REDIS_URL) {
  log.error('a conversion worker needs REDIS_URL (the queue it takes jobs from)');
  process.exit(2);
}

const { database, blobs } = await openStorage(config);
const { db } = database;
// Its own temp directory: the web processes clear DATA_DIR/tmp when they start, and may share DATA_DIR with it.
// Those of workers that were killed (no clean-up) go first.
for (const name of await fs.readdir(os.tmpdir()).catch(() => [] as string[])) {
  const pid = Number(/^pagetrail-worker-(\d+)-/.exec(name)?.[1]);
  if (pid && pid !== process.pid && !alive(pid))
    await fs.rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
}
const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), `pagetrail-worker-${process.pid}-`));
const converter = createConverter(config, logger);
const worker = await startConversionWorker({
  db,
  blobs,
  converter,
  logger: log,
  tmpDir,
  qpdfPath: config.QPDF_PATH,
  pdftoppmPath: config.PDFTOPPM_PATH,
  pageThumbnailsMax: config.PAGE_THUMBNAILS_MAX,
  inspectLimits: { maxPages: config.PDF_MAX_PAGES, timeoutMs: config.PDF_INSPECT_TIMEOUT_MS },
  url: config.REDIS_URL,
  prefix: bullPrefix(config.REDIS_PREFIX),
  concurrency: config.WORKER_CONCURRENCY,
  lockMs: config.CONVERT_JOB_LOCK_MS,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'worker shutting down');
  const hard = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 10_000);
  hard.unref();
  try {
    await worker.close(config.SHUTDOWN_GRACE_MS);
    await converter.close(5000);
    await blobs.close();
    await database.close();
    await fs.rm(tmpDir, { recursive: true, force: true });
    log.info('worker stopped');
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'worker shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
