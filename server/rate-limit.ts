// Token buckets, shared by every edge that limits a caller: `capacity` events per `windowMs`, refilled continuously.
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(capacity: number, windowMs: number) {
    this.capacity = capacity;
    this.tokens = capacity;
    this.perMs = capacity / windowMs;
    this.last = Date.now();
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** A limit per key (an address, say): `capacity` takes per `windowMs`. In memory for one instance; a Redis adapter
 * (storage/redis/rate-limit.ts) shares the count between instances. */
export interface KeyedLimit {
  take(key: string): Promise<boolean>;
}

/** Makes the named limits of an app (`signin`, `visits`): one adapter for all of them, chosen by configuration. */
export type LimitFactory = (name: string, capacity: number, windowMs: number) => KeyedLimit;

export const memoryLimits: LimitFactory = (_name, capacity, windowMs) => {
  const limiter = new KeyedRateLimiter(capacity, windowMs);
  return { take: async (key) => limiter.take(key) };
};

/** One token bucket per key, forgotten every 10 minutes so the map stays small. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, RateLimiter>();
  private readonly capacity: number;
  private readonly windowMs: number;

  constructor(capacity: number, windowMs: number) {
    this.capacity = capacity;
    this.windowMs = windowMs;
    setInterval(() => this.buckets.clear(), 10 * 60_000).unref();
  }

  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new RateLimiter(this.capacity, this.windowMs)));
    return bucket.take();
  }
}
