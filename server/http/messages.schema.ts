import { z } from 'zod';

export const messageIdParam = z.object({ id: z.string().min(1).max(64) });

const addresses = z
  .string()
  .trim()
  .max(20_000)
  .default('')
  .transform((s) =>
    s
      .split(/[,;\n]/)
      .map((a) => a.trim())
      .filter(Boolean),
  )
  .refine((list) => list.every((a) => /^[^\s@<>]+@[^\s@<>]+$/.test(a)), 'must be email addresses separated by commas');

/** The compose form (multipart fields; files come separately). `untracked`: indexes of files left attached;
 * `documents`: ids of the sender's uploaded documents to link in the message as if attached. */
export const composeBody = z
  .object({
    to: addresses,
    cc: addresses,
    bcc: addresses,
    subject: z.string().max(998).default(''),
    text: z.string().max(1_000_000).default(''),
    html: z.string().max(2_000_000).default(''),
    untracked: z
      .string()
      .max(200)
      .default('')
      .transform((s) => s.split(',').filter(Boolean).map(Number))
      .pipe(z.array(z.number().int().min(0).max(19))),
    documents: z
      .string()
      .max(2000)
      .default('')
      .transform((s) => [...new Set(s.split(',').filter(Boolean))])
      .pipe(z.array(z.string().min(1).max(64)).max(20)),
  })
  .strict();
