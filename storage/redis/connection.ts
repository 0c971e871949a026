// Connections to Redis for running several instances. ioredis is loaded only when REDIS_URL is set.
import type { Redis, RedisOptions } from 'ioredis';

export type { Redis };

/** A connection for commands. `blocking`: BullMQ's own connections, whose commands wait for Redis to come back
 * instead of failing after a few retries (it requires maxRetriesPerRequest null). */
export async function connectRedis(url: string, opts: { blocking?: boolean; name?: string } = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const options: RedisOptions = { lazyConnect: true, connectionName: opts.name };
  if (opts.blocking) options.maxRetriesPerRequest = null;
  const redis = new Redis(url, options);
  // Errors reach the commands that fail; without a listener ioredis would also print each reconnect attempt.
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/** Closes a connection, dropping it at once if Redis does not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await Promise.race([redis.quit().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
  redis.disconnect();
}
