// /api/webhooks (list, create, delete, send a test, the delivery log) and the notification switches
// (/api/notifications for the sender, /api/links/:id/notifications per link).
import { Router } from 'express';
import type { Db } from '../../storage/db/index.ts';
import type { Accounts } from '../accounts/senders.ts';
import { notFound, webhookTestsRateLimited } from '../errors.ts';
import { KeyedRateLimiter } from '../rate-limit.ts';
import { TEST_TYPE } from '../notify/webhook-types.ts';
import type { Webhooks } from '../notify/webhooks.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { parse } from './validate.ts';
import { notifySwitch, webhookInput, webhookParam } from './webhooks.schema.ts';

export function webhookRoutes(d: { db: Db; accounts: Accounts; webhooks: Webhooks }): Router {
  const r = Router();
  const auth = requireSender(d.accounts);
  // Test events are sent on demand: a bound per sender keeps the button from flooding a receiver.
  const tests = new KeyedRateLimiter(10, 60_000);

  r.get('/api/webhooks', auth, async (req, res) => {
    res.json({ webhooks: await d.webhooks.list(senderOf(req).id) });
  });

  r.post('/api/webhooks', auth, async (req, res) => {
    const input = parse(webhookInput, req.body);
    res.status(201).json(await d.webhooks.create(senderOf(req).id, input));
  });

  r.delete('/api/webhooks/:id', auth, async (req, res) => {
    const { id } = parse(webhookParam, req.params);
    await d.webhooks.delete(senderOf(req).id, id);
    res.status(204).end();
  });

  r.post('/api/webhooks/:id/test', auth, async (req, res) => {
    const { id } = parse(webhookParam, req.params);
    if (!tests.take(senderOf(req).id)) throw webhookTestsRateLimited();
    const data = { webhookId: id, message: 'A test event from Pagetrail.' };
    const [delivery] = await d.webhooks.enqueue(senderOf(req).id, TEST_TYPE, data, id);
    res.status(202).json({ id: delivery, type: TEST_TYPE });
  });

  r.get('/api/webhooks/:id/deliveries', auth, async (req, res) => {
    const { id } = parse(webhookParam, req.params);
    res.json({ deliveries: await d.webhooks.deliveries(senderOf(req).id, id) });
  });

  r.get('/api/notifications', auth, async (req, res) => {
    const row = await d.db
      .selectFrom('senders')
      .select('notify_email')
      .where('id', '=', senderOf(req).id)
      .executeTakeFirst();
    res.json({ email: Boolean(Number(row?.notify_email ?? 1)) });
  });

  r.put('/api/notifications', auth, async (req, res) => {
    const { email } = parse(notifySwitch, req.body);
    await d.db
      .updateTable('senders')
      .set({ notify_email: email ? 1 : 0 })
      .where('id', '=', senderOf(req).id)
      .execute();
    res.json({ email });
  });

  r.put('/api/links/:id/notifications', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const { email } = parse(notifySwitch, req.body);
    const done = await d.db
      .updateTable('links')
      .set({ notify: email ? 1 : 0 })
      .where('id', '=', id)
      .where('sender_id', '=', senderOf(req).id)
      .executeTakeFirst();
    if (!Number(done.numUpdatedRows)) throw notFound('Link');
    res.json({ email });
  });
  return r;
}
