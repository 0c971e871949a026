import { z } from 'zod';

/** `?include=self,automated`: the sender's own and automated views, usually left out, counted too. */
const include = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const names = s.split(',').filter(Boolean);
    for (const n of names)
      if (n !== 'self' && n !== 'automated') {
        ctx.addIssue({ code: 'custom', message: 'expected self and/or automated' });
        return z.NEVER;
      }
    return { self: names.includes('self'), automated: names.includes('automated') };
  });

export const analyticsQuery = z.object({ include: include.optional() });

/** A page of /visits: at most `limit`, older than the `before` cursor (the previous page's `next`), filtered. */
export const visitsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional(),
  recipient: z.string().min(1).max(320).optional(),
  device: z.enum(['desktop', 'mobile', 'tablet', 'bot', 'other']).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .transform((c) => c.toUpperCase())
    .optional(),
  include: include.optional(),
});

/** GET /api/recipients/:address/timeline. */
export const recipientParam = z.object({
  address: z
    .string()
    .regex(/^[^\s@<>(),;:"\\]{1,64}@[^\s@<>(),;:"\\]{1,255}$/, 'must be an email address')
    .transform((a) => a.toLowerCase()),
});
