// Per-sender upload quotas: documents per hour and bytes per day, counted from the uploads recorded in the database
// (so a deleted document still counts, and every instance sees the same count). Within one process a sender's
// check and record run one after another, so two uploads at once cannot both take the last place.
import type { Db } from '../../storage/db/index.ts';
import { uploadQuotaExceeded } from '../errors.ts';
import { newId } from '../ids.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface QuotaLimits {
  documentsPerHour: number;
  bytesPerDay: number;
}

export class UploadQuota {
  private readonly db: Db;
  private readonly limits: QuotaLimits;
  /** The tail of each sender's chain of checks in this process. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(db: Db, limits: QuotaLimits) {
    this.db = db;
    this.limits = limits;
  }

  /** Counts an upload of `size` bytes against the sender's quotas, or throws upload_quota_exceeded (with the seconds
   * until it would fit). A counted upload stays counted, whatever becomes of it. */
  take(senderId: string, size: number): Promise<void> {
    const prev = this.chains.get(senderId) ?? Promise.resolve();
    const mine = prev.catch(() => {}).then(() => this.checkAndRecord(senderId, size));
    const tail = mine.catch(() => {});
    this.chains.set(senderId, tail);
    void tail.then(() => {
      if (this.chains.get(senderId) === tail) this.chains.delete(senderId);
    });
    return mine;
  }

  private async checkAndRecord(senderId: string, size: number): Promise<void> {
    const now = Date.now();
    const { db, limits } = this;
    const dayAgo = new Date(now - DAY).toISOString();
    await db.deleteFrom('upload_usage').where('sender_id', '=', senderId).where('created_at', '<', dayAgo).execute();
    // The upload whose leaving the hour would make room: the documentsPerHour-th newest.
    const edge = await db
      .selectFrom('upload_usage')
      .select('created_at')
      .where('sender_id', '=', senderId)
      .where('created_at', '>=', new Date(now - HOUR).toISOString())
      .orderBy('created_at', 'desc')
      .limit(1)
      .offset(limits.documentsPerHour - 1)
      .executeTakeFirst();
    if (edge) throw uploadQuotaExceeded('documents', limits.documentsPerHour, secondsUntil(edge.created_at, HOUR, now));
    const rows = await db
      .selectFrom('upload_usage')
      .select(['size_bytes', 'created_at'])
      .where('sender_id', '=', senderId)
      .orderBy('created_at', 'asc')
      .execute();
    let used = rows.reduce((sum, r) => sum + Number(r.size_bytes), 0);
    if (used + size > limits.bytesPerDay) {
      // Room comes as the oldest uploads leave the day; one larger than the whole quota never fits.
      let retry = DAY / 1000;
      for (const r of rows) {
        used -= Number(r.size_bytes);
        if (used + size <= limits.bytesPerDay && size <= limits.bytesPerDay) {
          retry = secondsUntil(r.created_at, DAY, now);
          break;
        }
      }
      throw uploadQuotaExceeded('bytes', limits.bytesPerDay, retry);
    }
    await db
      .insertInto('upload_usage')
      .values({ id: newId('upl'), sender_id: senderId, size_bytes: size, created_at: new Date(now).toISOString() })
      .execute();
  }
}

function secondsUntil(at: string, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil((Date.parse(at) + windowMs - now) / 1000));
}
