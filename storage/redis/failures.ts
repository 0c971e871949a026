// Failures per key in Redis, so every instance counts against the same limit: a fixed window that starts with a
// key's first failure (its expiry), as the in-memory counter does. One call per check or failure.
import type { Redis } from 'ioredis';

const FAIL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

export class RedisFailureCount {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly limit: number;
  private readonly windowMs: number;

  /** `prefix` names the count (`pagetrail:fail:passcode-link:`); keys are appended to it. */
  constructor(redis: Redis, prefix: string, limit: number, windowMs: number) {
    this.redis = redis;
    this.prefix = prefix;
    this.limit = limit;
    this.windowMs = windowMs;
  }

  async blocked(key: string): Promise<boolean> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0) >= this.limit;
  }

  async fail(key: string): Promise<boolean> {
    return Number(await this.redis.eval(FAIL, 1, this.prefix + key, this.windowMs)) >= this.limit;
  }
}
