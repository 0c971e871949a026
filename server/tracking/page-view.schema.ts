import { z } from 'zod';

/** Client event ids are the client's own (the reader's begin with its clock, see viewer/reader/event-id.ts);
 * only their shape is checked. */
export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const pageViewInput = z
  .object({
    id: clientId,
    page: z.number().int().min(1).max(100_000),
    durationMs: z
      .number()
      .int()
      .min(0)
      .max(24 * 3600_000),
  })
  .strict();

export const beaconBody = z
  .object({
    visitId: z.string().regex(/^vis_[A-Za-z0-9_-]{22}$/),
    events: z.array(pageViewInput).min(1).max(20),
  })
  .strict();
