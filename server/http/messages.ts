// /api/messages: rewrite a message without sending (preview), rewrite and send, list and show sent messages; and
// the thumbnail a copy's document block shows (by link token, answered once the thumbnail exists).
import fs from 'node:fs/promises';
import { Router, type Request } from 'express';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Links } from '../documents/links.ts';
import { notFound } from '../errors.ts';
import { messageTypeRequired } from '../mail/errors.ts';
import { messageJson } from '../mail/json.ts';
import type { MailService } from '../mail/service.ts';
import { spool } from '../mail/spool.ts';
import type { MessageStore } from '../mail/store.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { messageIdParam } from './messages.schema.ts';
import { sendBlob } from './send-blob.ts';
import { parse } from './validate.ts';

export interface MessageRoutesDeps {
  accounts: Accounts;
  service: MailService;
  store: MessageStore;
  links: Links;
  blobs: BlobStore;
  tmpDir: string;
  maxMessageBytes: number;
}

export function messageRoutes(d: MessageRoutesDeps): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  const submit = async (req: Request, send: boolean) => {
    if (!req.is('message/rfc822')) throw messageTypeRequired();
    const file = await spool(req, d.tmpDir, d.maxMessageBytes);
    try {
      return await d.service.submit({ sender: senderOf(req), rawPath: file.path, send });
    } finally {
      await fs.rm(file.path, { force: true });
    }
  };

  r.post('/api/messages', auth, async (req, res) => {
    const result = await submit(req, false);
    res.json({
      id: result.message.id,
      messageId: result.message.message_id,
      messages: result.copies.map((c) => ({ recipient: c.recipient, role: c.role, raw: c.raw })),
    });
  });

  r.post('/api/messages/send', auth, async (req, res) => {
    const result = await submit(req, true);
    const [message] = await messageJson(d.store, d.links, senderOf(req).id, [result.message.id]);
    res.status(201).location(`/api/messages/${result.message.id}`).json(message);
  });

  r.get('/api/messages', auth, async (req, res) => {
    const messages = await messageJson(d.store, d.links, senderOf(req).id, null);
    res.json({ messages: messages.map(({ copies: _c, attachments: _a, ...summary }) => summary) });
  });

  r.get('/api/messages/:id', auth, async (req, res) => {
    const { id } = parse(messageIdParam, req.params);
    const [message] = await messageJson(d.store, d.links, senderOf(req).id, [id]);
    res.json(message);
  });

  // Loaded by mail clients when the copy is shown; it counts as nothing (opens are the open pixel's business).
  r.get('/v/:token/thumbnail', async (req, res) => {
    const { document } = await d.links.resolve(String(req.params.token ?? ''));
    if (!document.thumbnail_key) throw notFound('Thumbnail');
    // Shown inside webmail on another site: the browser must be allowed to embed it there.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    await sendBlob(req, res, d.blobs, document.thumbnail_key, {
      contentType: 'image/png',
      cacheControl: 'public, max-age=86400',
    });
  });
  return r;
}
