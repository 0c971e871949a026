import { z } from 'zod';
import { stripBidiControls } from '../documents/names.ts';

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
  })
  .strict();
