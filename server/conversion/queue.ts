// The conversion queue (BullMQ on Redis) as web processes see it: they add a job per stored original and hear when
// it ends. Workers (conversion/worker.ts) take the jobs. A job's id is its document's id, so adding it twice (a
// restart re-adding what was processing) is one job. BullMQ is loaded only in queue mode.
import type { Job } from 'bullmq';
import { closeRedis, connectRedis, type Redis } from '../../storage/redis/connection.ts';

export const QUEUE_NAME = 'conversions';
/** BullMQ's highest priority number (the lowest priority). */
const MAX_PRIORITY = 2_097_152;

export interface ConversionJob {
  documentId: string;
}

export interface QueueSettings {
  url: string;
  /** Redis key prefix of the queue (`<REDIS_PREFIX>:bull`). */
  prefix: string;
  attempts: number;
  backoffMs: number;
}

export interface ConversionQueue {
  /** `priority`: lower goes first (BullMQ); a sender's nth document waiting gets n, so senders take turns. */
  enqueue(job: ConversionJob, opts?: { priority?: number }): Promise<void>;
  /** Jobs waiting for a worker (delayed retries included). */
  waiting(): Promise<number>;
  /** Jobs by state, for /metrics. */
  counts(): Promise<Record<string, number>>;
  /** Told once per job that ended for good: completed (null) or failed after its tries (the reason). */
  onEnded(listener: (documentId: string, failedReason: string | null) => void): void;
  close(): Promise<void>;
}

export const bullPrefix = (redisPrefix: string) => `${redisPrefix}:bull`;

export async function openConversionQueue(s: QueueSettings): Promise<ConversionQueue> {
  const { Queue, QueueEvents } = await import('bullmq');
  const connections: Redis[] = [];
  const connection = async () => {
    const c = await connectRedis(s.url, { blocking: true, name: 'pagetrail-queue' });
    connections.push(c);
    return c;
  };
  const queue = new Queue<ConversionJob>(QUEUE_NAME, {
    connection: await connection(),
    prefix: s.prefix,
    defaultJobOptions: {
      attempts: s.attempts,
      backoff: { type: 'exponential', delay: s.backoffMs },
      // The document row keeps the outcome; finished jobs would only fill Redis (and block re-adding the id).
      removeOnComplete: true,
      removeOnFail: true,
    },
  });
  const events = new QueueEvents(QUEUE_NAME, { connection: await connection(), prefix: s.prefix });
  await events.waitUntilReady();
  const listeners: ((documentId: string, failedReason: string | null) => void)[] = [];
  events.on('completed', ({ jobId }) => listeners.forEach((l) => l(jobId, null)));
  events.on('failed', ({ jobId, failedReason }) => listeners.forEach((l) => l(jobId, failedReason || 'failed')));
  return {
    async enqueue(job, opts = {}) {
      const priority = opts.priority ? Math.min(MAX_PRIORITY, Math.max(1, Math.floor(opts.priority))) : undefined;
      await queue.add('convert', job, { jobId: job.documentId, ...(priority ? { priority } : {}) });
    },
    async waiting() {
      const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
      return (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    },
    async counts() {
      return queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    },
    onEnded(listener) {
      listeners.push(listener);
    },
    async close() {
      await events.close().catch(() => {});
      await queue.close().catch(() => {});
      for (const c of connections) await closeRedis(c);
    },
  };
}

export type { Job };
