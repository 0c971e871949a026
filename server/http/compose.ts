// POST /api/messages/compose: the dashboard's compose page. The form becomes an RFC 5322 message (nodemailer's
// composer, attachments streamed from their temp files) and goes through the same rewrite and upstream as mail
// from a client; a file whose track switch is off carries X-Pagetrail-Track: off and stays attached. Documents the
// sender already uploaded can be linked too: each recipient gets its own link, as for an attached file.
import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import multer from 'multer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { randomSecret } from '../accounts/secrets.ts';
import type { Accounts } from '../accounts/senders.ts';
import { AppError } from '../errors.ts';
import { messageJson } from '../mail/json.ts';
import { TRACK_HEADER } from '../mail/parts.ts';
import type { MailService } from '../mail/service.ts';
import { spool } from '../mail/spool.ts';
import type { MessageStore } from '../mail/store.ts';
import type { Links } from '../documents/links.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { composeBody } from './messages.schema.ts';
import { parse } from './validate.ts';

export interface ComposeDeps {
  accounts: Accounts;
  service: MailService;
  store: MessageStore;
  links: Links;
  tmpDir: string;
  maxUploadBytes: number;
  maxMessageBytes: number;
}

export function composeRoutes(d: ComposeDeps): Router {
  const r = Router();
  const upload = multer({
    storage: multer.diskStorage({
      destination: d.tmpDir,
      filename: (_q, _f, cb) => cb(null, `compose-${randomSecret(12)}`),
    }),
    limits: { fileSize: d.maxUploadBytes, files: 20, fields: 12, fieldSize: 2 * 1024 * 1024, parts: 40 },
    defParamCharset: 'utf8',
  } as multer.Options).array('files', 20);

  r.post(
    '/api/messages/compose',
    requireSender(d.accounts),
    (req, res, next) => {
      if (!req.is('multipart/form-data'))
        return next(new AppError('multipart_required', { message: 'Send the message as multipart/form-data.' }));
      res.on('close', () => {
        for (const f of (req.files as Express.Multer.File[] | undefined) ?? [])
          fs.rm(f.path, { force: true }, () => {});
      });
      upload(req, res, next);
    },
    async (req, res) => {
      const sender = senderOf(req);
      const form = parse(composeBody, req.body ?? {});
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      const untracked = new Set(form.untracked);
      const composer = new MailComposer({
        from: sender.email,
        to: form.to,
        cc: form.cc,
        bcc: form.bcc,
        subject: form.subject,
        text: form.text,
        html: form.html || undefined,
        attachments: files.map((f, i) => ({
          filename: f.originalname,
          path: path.resolve(f.path),
          contentType: f.mimetype || 'application/octet-stream',
          ...(untracked.has(i) ? { headers: { [TRACK_HEADER]: 'off' } } : {}),
        })),
      });
      const node = composer.compile();
      // The rewrite reads Bcc from the message and removes it from every copy.
      (node as unknown as { keepBcc: boolean }).keepBcc = true;
      const file = await spool(node.createReadStream(), d.tmpDir, d.maxMessageBytes);
      try {
        const result = await d.service.submit({
          sender,
          rawPath: file.path,
          send: true,
          linkDocuments: form.documents,
        });
        const [message] = await messageJson(d.store, d.links, sender.id, [result.message.id]);
        res.status(201).location(`/api/messages/${result.message.id}`).json(message);
      } finally {
        fs.rm(file.path, { force: true }, () => {});
      }
    },
  );
  return r;
}
