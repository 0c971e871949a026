// Who is reading now, shared by every instance: one hash per sender (visit id -> entry with its expiry) and one
// sorted set of expiries. Each instance re-confirms its own readers well within the TTL; the entries of an instance
// that died stop being confirmed, drop out of snapshots at once and are swept (each by exactly one instance).
import type { Redis } from 'ioredis';

export interface StoredPresence<P> {
  senderId: string;
  presence: P & { visitId: string };
}

/** Takes up to 100 entries past their expiry off the set and out of their hashes; returns [member, entry] pairs. */
const SWEEP = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
local out = {}
for _, member in ipairs(gone) do
  redis.call('ZREM', KEYS[1], member)
  local cut = string.find(member, ' ', 1, true)
  local hash = ARGV[2] .. string.sub(member, 1, cut - 1)
  local visit = string.sub(member, cut + 1)
  local entry = redis.call('HGET', hash, visit)
  redis.call('HDEL', hash, visit)
  if entry then
    table.insert(out, member)
    table.insert(out, entry)
  end
end
return out
`;

export class RedisPresenceStore<P> {
  private readonly redis: Redis;
  private readonly hashPrefix: string;
  private readonly expiryKey: string;
  private readonly ttlMs: number;

  constructor(redis: Redis, prefix: string, ttlMs: number) {
    this.redis = redis;
    this.hashPrefix = `${prefix}presence:`;
    this.expiryKey = `${prefix}presence-expiry`;
    this.ttlMs = ttlMs;
  }

  async put(entries: StoredPresence<P>[]): Promise<void> {
    if (!entries.length) return;
    const expiresAt = Date.now() + this.ttlMs;
    const m = this.redis.multi();
    for (const { senderId, presence } of entries) {
      const hash = this.hashPrefix + senderId;
      m.hset(hash, presence.visitId, JSON.stringify({ expiresAt, presence }));
      m.pexpire(hash, this.ttlMs * 2);
      m.zadd(this.expiryKey, expiresAt, `${senderId} ${presence.visitId}`);
    }
    await m.exec();
  }

  async remove(senderId: string, visitId: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.hashPrefix + senderId, visitId)
      .zrem(this.expiryKey, `${senderId} ${visitId}`)
      .exec();
  }

  async of(senderId: string): Promise<P[]> {
    const now = Date.now();
    const all = await this.redis.hgetall(this.hashPrefix + senderId);
    return Object.values(all)
      .map((v) => JSON.parse(v) as { expiresAt: number; presence: P })
      .filter((e) => e.expiresAt > now)
      .map((e) => e.presence);
  }

  async expired(): Promise<StoredPresence<P>[]> {
    const flat = (await this.redis.eval(SWEEP, 1, this.expiryKey, Date.now(), this.hashPrefix)) as string[];
    const out: StoredPresence<P>[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const senderId = flat[i]!.slice(0, flat[i]!.indexOf(' '));
      out.push({ senderId, presence: (JSON.parse(flat[i + 1]!) as { presence: P & { visitId: string } }).presence });
    }
    return out;
  }
}
