// POST /api/inbound: a message that reached the sender's inbox (message/rfc822), taken as the IMAP poller takes
// what it finds: 202 with what it became (recorded, duplicate, or ignored when it answers no tracked message).
import type { Readable } from 'node:stream';
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import { inboundRateLimited, inboundTooLarge, messageTypeRequired } from '../errors.ts';
import { KeyedRateLimiter } from '../rate-limit.ts';
import type { InboundService } from '../replies/inbound.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';

export interface InboundRoutesDeps {
  accounts: Accounts;
  inbound: InboundService;
  maxBytes: number;
  perMinute: number;
}

/** The whole body, refused past `max` bytes (the rest is not read). */
async function readBody(input: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw inboundTooLarge(max);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function inboundRoutes(d: InboundRoutesDeps): Router {
  const r = Router();
  const limiter = new KeyedRateLimiter(d.perMinute, 60_000);
  r.post('/api/inbound', requireSender(d.accounts), async (req, res) => {
    const sender = senderOf(req);
    if (!req.is('message/rfc822')) throw messageTypeRequired();
    if (Number(req.get('content-length') ?? 0) > d.maxBytes) throw inboundTooLarge(d.maxBytes);
    if (!limiter.take(sender.id)) throw inboundRateLimited();
    const raw = await readBody(req, d.maxBytes);
    const result = await d.inbound.receive(sender, raw, 'api');
    res.status(202).json({
      status: result.status,
      kind: result.kind ?? null,
      messageId: result.messageId ?? null,
      events: result.events,
    });
  });
  return r;
}
