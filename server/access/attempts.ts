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
