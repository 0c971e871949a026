import { z } from 'zod';
import { WEBHOOK_TYPES } from '../notify/webhook-types.ts';

export const webhookInput = z.object({
  url: z.string().min(1).max(2000),
  events: z.array(z.enum(WEBHOOK_TYPES)).min(1).max(WEBHOOK_TYPES.length),
});

export const webhookParam = z.object({ id: z.string().regex(/^whk_[A-Za-z0-9_-]{1,64}$/) });

export const notifySwitch = z.object({ email: z.boolean() });
