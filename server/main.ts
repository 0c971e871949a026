// The composition root: read config, build adapters, createApp, listen, shut down on SIGTERM.
import { createApp } from './app.ts';
import { clearTemp, configOrExit, openShared, openStorage } from './boot.ts';
import { createConverter } from './conversion/index.ts';
import { category, createLogger } from './logger.ts';

const config = configOrExit();
const logger = createLogger(config.LOG_LEVEL);
const log = category(logger, 'app');

await clearTemp(config);
const { database, blobs } = await openStorage(config);
const { db } = database;
const shared = await openShared(config, logger);
const converter = createConverter(config, category(logger, 'convert'));
const app = createApp({ config, logger, database, blobs, converter, shared });

const senders = await db
  .selectFrom('senders')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirst();
if (!Number(senders?.n))
  log.warn("No senders yet: create one with npm run cli -- sender create --email you@example.org --password '…'");
const recovered = await app.ingest.recover();
if (recovered) log.info({ documents: recovered }, 'resuming documents interrupted by the last stop');

app.httpServer.listen(config.PORT, config.HOST, () => {
  const addr = app.httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  log.info(
    {
      host: config.HOST,
      port,
      publicUrl: config.publicUrl,
      dataDir: config.dataDir,
      database: database.kind,
      converter: config.CONVERT_MODE === 'queue' ? 'queue' : converter.status().engine,
    },
    `Pagetrail listening on ${config.HOST}:${port}`,
  );
});

await app.mail.relay.start().catch((err: unknown) => {
  log.error({ err, port: config.SMTP_RELAY_PORT }, 'the SMTP relay could not start (SMTP_RELAY_PORT)');
  process.exit(1);
});

await app.replies.poller.start();

/** After the grace period: the converter's own close (its processes ended), then Redis, blobs and the database. */
const CONVERTER_CLOSE_MS = 5000;
const STORAGE_CLOSE_MS = 10_000;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down');
  const hard = setTimeout(
    () => {
      log.error('shutdown deadline passed; exiting');
      process.exit(1);
    },
    config.SHUTDOWN_GRACE_MS + CONVERTER_CLOSE_MS + STORAGE_CLOSE_MS,
  );
  hard.unref();
  try {
    await app.close(config.SHUTDOWN_GRACE_MS);
    await converter.close(CONVERTER_CLOSE_MS);
    await shared?.close();
    await blobs.close();
    await database.close();
    log.info('stopped');
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
