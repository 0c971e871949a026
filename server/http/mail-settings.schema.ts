import { z } from 'zod';

/** PUT /api/settings/mail-tracking: any of the switches; those left out keep their value. */
export const mailSettingsBody = z
  .object({ attachments: z.boolean(), pixel: z.boolean(), clicks: z.boolean() })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one of attachments, pixel, clicks' });
