import { z } from 'zod';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

/** PUT /api/mailbox. The password may be left out to keep the stored one. */
export const mailboxBody = z
  .object({
    host: text(253).regex(/^[a-z0-9.:[\]-]+$/i, 'must be a host name or address'),
    port: z.number().int().min(1).max(65535).optional(),
    security: z.enum(['tls', 'starttls', 'off']).default('tls'),
    user: text(320),
    password: z.string().min(1).max(1024).optional(),
    folder: text(200).default('INBOX'),
  })
  .strict()
  .transform((b) => ({ ...b, port: b.port ?? (b.security === 'tls' ? 993 : 143) }));
