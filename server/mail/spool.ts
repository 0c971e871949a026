// A message body (HTTP request, SMTP DATA) streamed to a temp file with a size bound, never held in memory.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomSecret } from '../accounts/secrets.ts';
import { messageTooLarge } from './errors.ts';

/** Writes `input` to a new file in `dir`; refuses (and removes the file) past `maxBytes`. With `drain`, the rest
 * of an oversized input is still read (and dropped), so a protocol that must see its end (SMTP DATA) can answer. */
export async function spool(
  input: Readable,
  dir: string,
  maxBytes: number,
  opts: { drain?: boolean } = {},
): Promise<{ path: string; size: number }> {
  const file = path.join(dir, `message-${randomSecret(12)}.eml`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size <= maxBytes) cb(null, chunk);
      else if (opts.drain) cb();
      else cb(messageTooLarge(maxBytes));
    },
  });
  try {
    await pipeline(input, limit, createWriteStream(file));
    if (size > maxBytes) throw messageTooLarge(maxBytes);
    return { path: file, size };
  } catch (err) {
    await fs.rm(file, { force: true });
    throw err;
  }
}
