// A sender's webhooks: made with a secret shown once (stored sealed), listed, deleted; events queued for them as
// deliveries in the database (webhook-queue.ts sends them).
import { randomBytes } from 'node:crypto';
import type { Db, WebhookDeliveryRow, WebhookRow } from '../../storage/db/index.ts';
import type { Sealer } from '../../storage/sealer.ts';
import { notFound, tooManyWebhooks } from '../errors.ts';
import { newId, newSortableId } from '../ids.ts';
import { parseTarget, resolveTarget } from './webhook-target.ts';
import type { WebhookType } from './webhook-types.ts';

export const MAX_WEBHOOKS = 20;

export interface WebhookJson {
  id: string;
  url: string;
  events: WebhookType[];
  createdAt: string;
}

export interface DeliveryJson {
  id: string;
  type: string;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

const toJson = (w: WebhookRow): WebhookJson => ({
  id: w.id,
  url: w.url,
  events: JSON.parse(w.events) as WebhookType[],
  createdAt: w.created_at,
});

export const deliveryJson = (d: WebhookDeliveryRow): DeliveryJson => ({
  id: d.id,
  type: d.type,
  status: d.status,
  attempts: Number(d.attempts),
  nextAttemptAt: d.status === 'pending' ? d.next_at : null,
  lastStatus: d.last_status === null ? null : Number(d.last_status),
  lastError: d.last_error,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

export class Webhooks {
  private readonly db: Db;
  private readonly sealer: Sealer;
  private readonly allowPrivate: boolean;
  /** Told when a delivery is queued, so it goes out without waiting for the next poll. */
  onQueued: () => void = () => {};

  constructor(db: Db, sealer: Sealer, opts: { allowPrivate: boolean }) {
    this.db = db;
    this.sealer = sealer;
    this.allowPrivate = opts.allowPrivate;
  }

  async create(
    senderId: string,
    input: { url: string; events: WebhookType[] },
  ): Promise<WebhookJson & { secret: string }> {
    const url = parseTarget(input.url);
    await resolveTarget(url, this.allowPrivate);
    const count = await this.db
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    if (Number(count?.n ?? 0) >= MAX_WEBHOOKS) throw tooManyWebhooks();
    const id = newId('whk');
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const row: WebhookRow = {
      id,
      sender_id: senderId,
      url: url.href,
      events: JSON.stringify([...new Set(input.events)]),
      secret_sealed: this.sealer.seal(secret, id),
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('webhooks').values(row).execute();
    return { ...toJson(row), secret };
  }

  async list(senderId: string): Promise<WebhookJson[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('sender_id', '=', senderId)
      .orderBy('created_at')
      .execute();
    return rows.map(toJson);
  }

  /** The sender's webhook, or 404 (another sender's too). */
  async get(senderId: string, id: string): Promise<WebhookRow> {
    const row = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    if (!row) throw notFound('Webhook');
    return row;
  }

  async delete(senderId: string, id: string): Promise<void> {
    const r = await this.db
      .deleteFrom('webhooks')
      .where('id', '=', id)
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw notFound('Webhook');
  }

  secretOf(row: WebhookRow): string {
    return this.sealer.open(row.secret_sealed, row.id);
  }

  /** Queues `type` for every webhook of the sender subscribed to it (`only`: for that one webhook, subscribed or not). */
  async enqueue(senderId: string, type: string, data: unknown, only?: string): Promise<string[]> {
    const hooks = only
      ? [await this.get(senderId, only)]
      : (await this.db.selectFrom('webhooks').selectAll().where('sender_id', '=', senderId).execute()).filter((w) =>
          (JSON.parse(w.events) as string[]).includes(type),
        );
    if (!hooks.length) return [];
    const now = new Date().toISOString();
    const rows = hooks.map((w) => ({
      // The webhook-id header: the same on every retry, so receivers can drop a second copy.
      id: newSortableId('msg'),
      webhook_id: w.id,
      sender_id: senderId,
      type,
      body: JSON.stringify({ type, timestamp: now, data }),
      status: 'pending' as const,
      attempts: 0,
      next_at: now,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    }));
    await this.db.insertInto('webhook_deliveries').values(rows).execute();
    this.onQueued();
    return rows.map((r) => r.id);
  }

  /** The webhook's latest deliveries, newest first. */
  async deliveries(senderId: string, id: string, limit = 50): Promise<DeliveryJson[]> {
    await this.get(senderId, id);
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(deliveryJson);
  }
}
