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

// Counts failures per key (a link, a link and an address) in a fixed window: past the limit the key is blocked
// until its window ends. Successes cost nothing, so a reader who types the passcode right is never slowed.
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  private entry(key: string, now: number) {
    const e = this.failures.get(key);
    if (e && e.resetAt > now) return e;
    if (e) this.failures.delete(key);
    return null;
  }

  blocked(key: string, now = Date.now()): boolean {
    return (this.entry(key, now)?.count ?? 0) >= this.limit;
  }

  /** Records a failure; true when the key is now blocked. */
  fail(key: string, now = Date.now()): boolean {
    let e = this.entry(key, now);
    if (!e) {
      // Forget ended windows now and then, so the map holds only live keys.
      if (this.failures.size > 10_000)
        for (const [k, v] of this.failures) if (v.resetAt <= now) this.failures.delete(k);
      this.failures.set(key, (e = { count: 0, resetAt: now + this.windowMs }));
    }
    e.count++;
    return e.count >= this.limit;
  }
}

/** Failures per key in a fixed window (wrong passcodes, say). In memory for one instance; a Redis adapter
 * (storage/redis/failures.ts) counts every instance's failures together. */
export interface FailureCount {
  blocked(key: string): Promise<boolean>;
  /** Records a failure; true when the key is now blocked. */
  fail(key: string): Promise<boolean>;
}

/** Makes the named failure counts of an app (`passcode-address`): one adapter for all, chosen by configuration. */
export type FailureFactory = (name: string, limit: number, windowMs: number) => FailureCount;

export const memoryFailures: FailureFactory = (_name, limit, windowMs) => {
  const counter = new FailureLimiter(limit, windowMs);
  return { blocked: async (key) => counter.blocked(key), fail: async (key) => counter.fail(key) };
};
