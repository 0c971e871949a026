// Builds the concrete parts from configuration: shared by the server (main.ts) and the CLI.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createBlobStore, type BlobStore } from '../storage/blobs/index.ts';
import { openDatabase, type DatabaseAdapter } from '../storage/db/index.ts';
import { closeRedis, connectRedis } from '../storage/redis/connection.ts';
import { RedisPresenceStore } from '../storage/redis/presence.ts';
import { RedisRateLimiter } from '../storage/redis/rate-limit.ts';
import { RedisFailureCount } from '../storage/redis/failures.ts';
import type { SharedParts } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { bullPrefix, openConversionQueue } from './conversion/queue.ts';
import { category, type Logger } from './logger.ts';

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export async function openStorage(config: Config): Promise<{ database: DatabaseAdapter; blobs: BlobStore }> {
  // Only the service's own account may read its data: other local users, and the account soffice runs as, may not.
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await fs.chmod(config.dataDir, 0o700);
  const database = await openDatabase(config);
  const blobs = await createBlobStore(config);
  return { database, blobs };
}

/** Temp files left by a process that died mid-upload are removed at the next start. */
export async function clearTemp(config: Config): Promise<void> {
  const dir = path.join(config.dataDir, 'tmp');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** What instances share through Redis (REDIS_URL): the socket.io adapter, presence, rate limits and, with
 * CONVERT_MODE=queue, the conversion queue. Null without REDIS_URL: everything stays in this process. */
export async function openShared(config: Config, logger: Logger): Promise<SharedParts | null> {
  if (!config.REDIS_URL) return null;
  const url = config.REDIS_URL;
  const prefix = `${config.REDIS_PREFIX}:`;
  const [{ createAdapter }, commands, pub] = await Promise.all([
    import('@socket.io/redis-adapter'),
    connectRedis(url, { name: 'pagetrail' }),
    connectRedis(url, { name: 'pagetrail-pub' }),
  ]);
  const sub = pub.duplicate();
  sub.on('error', () => {});
  const queue =
    config.CONVERT_MODE === 'queue'
      ? await openConversionQueue({
          url,
          prefix: bullPrefix(config.REDIS_PREFIX),
          attempts: config.CONVERT_JOB_ATTEMPTS,
          backoffMs: config.CONVERT_JOB_BACKOFF_MS,
        })
      : null;
  category(logger, 'realtime').info({ convertMode: config.CONVERT_MODE }, 'sharing state through Redis');
  return {
    adapter: createAdapter(pub, sub, { key: `${prefix}socket.io` }),
    limits: (name, capacity, windowMs) => new RedisRateLimiter(commands, `${prefix}rl:${name}:`, capacity, windowMs),
    failures: (name, limit, windowMs) => new RedisFailureCount(commands, `${prefix}fail:${name}:`, limit, windowMs),
    presence: new RedisPresenceStore(commands, prefix, config.PRESENCE_TTL_MS),
    presenceTtlMs: config.PRESENCE_TTL_MS,
    queue,
    async close() {
      await queue?.close();
      for (const c of [sub, pub, commands]) await closeRedis(c);
    },
  };
}
