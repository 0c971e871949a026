// The one polling helper for tests and benchmarks: an honest bound, and a failure that names what did not arrive.

/** Polls `fn` until it returns a truthy value, which it returns; throws after `timeoutMs` naming `what` (and the
 * last error `fn` threw, if any). */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
