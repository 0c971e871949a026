// Public ids: a short prefix and random bits; some sort by creation time.
import { randomBytes, randomFillSync } from 'node:crypto';

/** Public ids: a short prefix and 128 random bits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** Ids that sort by creation time (48-bit milliseconds, then 80 random bits): new rows land at the end of the
 * primary-key index instead of on a random page of it, which keeps high-rate inserts cheap. Not secrets. */
export function newSortableId(prefix: string): string {
  if (poolAt + 10 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(Date.now(), 0, 6);
  pool.copy(b, 6, poolAt, (poolAt += 10));
  return `${prefix}_${b.toString('base64url')}`;
}

// Random bits for sortable ids come from a pool refilled 4 KiB at a time: one system call per ~400 ids
// instead of one per id (these ids are made for every stored event).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
