// Which Office conversions this process takes on: decided once, synchronously, before an upload is answered 202, so a
// 202 means the document will be converted (the converter's queue never refuses an admitted job). Bounds the whole
// (the pool plus its queue) and each sender's share of it.
import { conversionQueueFull, senderQueueFull } from '../errors.ts';

export interface AdmissionLimits {
  /** Conversions admitted at once: running plus waiting (CONVERT_POOL_SIZE + CONVERT_QUEUE_MAX). */
  total: number;
  /** One sender's admitted conversions at once (CONVERT_QUEUE_PER_SENDER). */
  perSender: number;
}

export class Admission {
  private readonly limits: AdmissionLimits;
  private admitted = 0;
  private readonly bySender = new Map<string, number>();

  constructor(limits: AdmissionLimits) {
    this.limits = limits;
  }

  /** A place for one conversion, or a refusal (429); the returned function gives the place back (once). */
  admit(senderId: string): () => void {
    const mine = this.bySender.get(senderId) ?? 0;
    if (mine >= this.limits.perSender) throw senderQueueFull();
    if (this.admitted >= this.limits.total) throw conversionQueueFull();
    this.admitted++;
    this.bySender.set(senderId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.admitted--;
      const left = (this.bySender.get(senderId) ?? 1) - 1;
      if (left > 0) this.bySender.set(senderId, left);
      else this.bySender.delete(senderId);
    };
  }

  counts(): { admitted: number; senders: number } {
    return { admitted: this.admitted, senders: this.bySender.size };
  }
}
