import { z } from 'zod';

/** A page of /visits: at most `limit`, older than the `before` cursor (the previous page's `next`). */
export const visitsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional(),
});
