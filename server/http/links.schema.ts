import { z } from 'zod';
import { stripBidiControls } from '../documents/names.ts';

/** An allow/deny entry: an address ("ana@example.org") or a domain ("example.org" or "@example.org"). */
const listEntry = z
  .string()
  .transform(stripBidiControls)
  .pipe(
    z
      .string()
      .trim()
      .toLowerCase()
      .max(254)
      .regex(/^(?:[^\s@<>(),;:"\\]{1,64}@|@)?(?:[a-z0-9-]+\.)+[a-z0-9-]{2,}$/, 'must be an email address or a domain')
      .transform((e) => (e.startsWith('@') ? e.slice(1) : e)),
  );
const list = z.array(listEntry).max(200);
const maxViews = z.number().int().min(1).max(1_000_000);

/** The access settings a link takes, and a sender's defaults for them. */
export const accessFields = {
  requireEmail: z.boolean(),
  allow: list,
  deny: list,
  maxViews: maxViews.nullable(),
  watermark: z.boolean(),
};

export const createLinkBody = z
  .object({
    recipient: z
      .string()
      .transform(stripBidiControls)
      .pipe(
        z
          .string()
          .trim()
          .min(1)
          .max(320)
          .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/, 'must not contain control characters'),
      )
      .nullish(),
    allowDownload: z.boolean().optional(),
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s).toISOString())
      .refine((s) => s > new Date().toISOString(), 'must be in the future')
      .nullish(),
    passcode: z.string().min(4).max(128).nullish(),
    requireEmail: accessFields.requireEmail.optional(),
    allow: accessFields.allow.optional(),
    deny: accessFields.deny.optional(),
    maxViews: accessFields.maxViews.optional(),
    watermark: accessFields.watermark.optional(),
  })
  .strict();

export const linkDefaultsBody = z.object({ allowDownload: z.boolean(), ...accessFields }).strict();
