// A token bucket per key in Redis, so every instance draws from the same one: `capacity` takes per `windowMs`,
// refilled continuously, as the in-memory limiter does. One script call per take; Redis's clock, not the instances'.
import type { Redis } from 'ioredis';

const TAKE = `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local ok = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return ok
`;

export class RedisRateLimiter {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly capacity: number;
  private readonly windowMs: number;

  /** `prefix` names the limit (`pagetrail:rl:signin:`); keys are appended to it. */
  constructor(redis: Redis, prefix: string, capacity: number, windowMs: number) {
    this.redis = redis;
    this.prefix = prefix;
    this.capacity = capacity;
    this.windowMs = windowMs;
  }

  async take(key: string): Promise<boolean> {
    // A full bucket is the same as none, so a key is kept only while it is refilling.
    const ok = await this.redis.eval(
      TAKE,
      1,
      this.prefix + key,
      this.capacity,
      this.capacity / this.windowMs,
      this.windowMs,
    );
    return ok === 1;
  }
}
