import { z } from 'zod';

export const idParam = z.object({ id: z.string().min(1).max(64) });

export const pageParam = idParam.extend({ page: z.coerce.number().int().min(1).max(1_000_000) });
