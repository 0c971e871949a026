// Sends queued webhook deliveries: signed as in the Standard Webhooks specification, retried with exponential
// back-off (WEBHOOK_RETRY_BASE_MS, 4 times longer each time) until WEBHOOK_MAX_ATTEMPTS, then logged as failed.
// The queue is the webhook_deliveries table, so what was due before a restart goes out after it.
import { Webhook } from 'standardwebhooks';
import type { Db, WebhookDeliveryRow } from '../../storage/db/index.ts';
import { isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Webhooks } from './webhooks.ts';
import { parseTarget, postTo, resolveTarget } from './webhook-target.ts';
import type { DomainEvents } from '../events.ts';

export interface QueueSettings {
  maxAttempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  pollMs: number;
  allowPrivate: boolean;
}

/** Wait before attempt n+1 after n failed attempts. */
export const retryDelayMs = (failedAttempts: number, baseMs: number) => baseMs * 4 ** (failedAttempts - 1);

const BATCH = 20;

export class WebhookQueue {
  private readonly db: Db;
  private readonly hooks: Webhooks;
  private readonly log: Logger;
  private readonly s: QueueSettings;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  private readonly bus: DomainEvents | null;

  /** `bus`: each attempt's outcome goes out on it (`webhook:delivery`, for metrics). */
  constructor(db: Db, hooks: Webhooks, log: Logger, settings: QueueSettings, bus: DomainEvents | null = null) {
    this.bus = bus;
    this.db = db;
    this.hooks = hooks;
    this.log = log;
    this.s = settings;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.s.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Runs the queue now (or once more after the current run). */
  kick(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.log.error({ err }, 'webhook queue run failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await this.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_at', '<=', new Date().toISOString())
        .orderBy('next_at')
        .limit(BATCH)
        .execute();
      if (!due.length || !this.timer) return;
      await Promise.all(due.map((d) => this.attempt(d)));
    }
  }

  private async attempt(d: WebhookDeliveryRow): Promise<void> {
    // Leased for the attempt, so an overlapping run (or another instance) does not send it too.
    const lease = new Date(Date.now() + this.s.timeoutMs * 2 + 5000).toISOString();
    const claimed = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_at: lease })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .where('next_at', '=', d.next_at)
      .executeTakeFirst();
    if (!Number(claimed.numUpdatedRows)) return;
    const hook = await this.db.selectFrom('webhooks').selectAll().where('id', '=', d.webhook_id).executeTakeFirst();
    if (!hook) return;
    const attempt = Number(d.attempts) + 1;
    let outcome: { status: number | null; error: string | null };
    try {
      const url = parseTarget(hook.url);
      const target = await resolveTarget(url, this.s.allowPrivate);
      const at = new Date();
      const signature = new Webhook(this.hooks.secretOf(hook)).sign(d.id, at, d.body);
      const headers = {
        'webhook-id': d.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
        'user-agent': 'Pagetrail-Webhooks/1',
      };
      outcome = await postTo(url, target, headers, d.body, this.s.timeoutMs);
    } catch (err) {
      outcome = { status: null, error: isAppError(err) ? err.publicMessage : 'delivery failed' };
    }
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const last = ok || attempt >= this.s.maxAttempts;
    const status = ok ? 'delivered' : last ? 'failed' : 'pending';
    this.bus?.emit('webhook:delivery', { outcome: status });
    const now = new Date();
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status,
        attempts: attempt,
        next_at:
          status === 'pending'
            ? new Date(now.getTime() + retryDelayMs(attempt, this.s.retryBaseMs)).toISOString()
            : null,
        last_status: outcome.status,
        last_error: ok ? null : (outcome.error ?? `answered ${outcome.status}`),
        updated_at: now.toISOString(),
      })
      .where('id', '=', d.id)
      .execute();
    // The origin only: receivers sometimes put a token in the path or query.
    const fields = {
      delivery: d.id,
      webhook: d.webhook_id,
      type: d.type,
      attempt,
      target: new URL(hook.url).origin,
      answer: outcome.status,
    };
    if (ok) this.log.info(fields, 'webhook delivered');
    else if (last) this.log.warn({ ...fields, error: outcome.error }, 'webhook delivery failed for good');
    else this.log.info({ ...fields, error: outcome.error }, 'webhook delivery failed, will retry');
  }
}
