// What becomes of each attachment: a document (the same file from the same sender reuses its document), or left
// attached with the reason the sender is told. Decided from the bytes with the upload sniffer, never the name.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db, DocumentRow } from '../../storage/db/index.ts';
import { randomSecret } from '../accounts/secrets.ts';
import type { Ingest } from '../conversion/ingest.ts';
import { detectFormat } from '../conversion/sniff.ts';
import type { ZipLimits } from '../conversion/zip-inspect.ts';
import { isAppError } from '../errors.ts';
import type { AttachmentFile } from './analyze.ts';

export type Outcome =
  | { file: AttachmentFile; kind: 'document'; document: DocumentRow }
  /** `notice`: why, for the sender's feed; null when keeping it is simply normal (an image, an untracked file). */
  | { file: AttachmentFile; kind: 'kept'; code: string; notice: string | null };

/** Names and declared types that say "this was meant as a document": their refusal is worth telling. */
const DOCUMENT_NAME = /\.(pdf|docx?|docm|pptx?|ppsx?|odt|odp|rtf)$/i;
const DOCUMENT_TYPE = /(pdf|msword|wordprocessingml|presentationml|powerpoint|opendocument\.(text|presentation)|rtf)/i;

const REASONS: Record<string, string> = {
  file_encrypted: 'it is password-protected',
  zip_bomb: 'it looks like a zip bomb (it would expand far beyond its size)',
  file_corrupt: 'it is damaged and could not be read',
  pdf_invalid: 'it is not a readable PDF',
  file_empty: 'it is empty',
  unsupported_file_type: 'Pagetrail could not recognise it as a PDF, Word, PowerPoint or OpenDocument file',
  conversion_queue_full: 'too many documents were being converted at the time',
};

export interface ClassifyDeps {
  db: Db;
  ingest: Ingest;
  tmpDir: string;
  zipLimits: ZipLimits;
  maxBytes: number;
}

export async function classify(d: ClassifyDeps, senderId: string, file: AttachmentFile): Promise<Outcome> {
  const keep = (code: string, why: string | null): Outcome => ({
    file,
    kind: 'kept',
    code,
    notice: why === null ? null : `${file.name} was left attached: ${why}.`,
  });
  const meant = DOCUMENT_NAME.test(file.name) || DOCUMENT_TYPE.test(file.contentType);
  if (file.untracked) return keep('untracked', null);
  if (file.tooLarge)
    return keep('file_too_large', meant ? `it is larger than the ${Math.round(d.maxBytes / 1048576)} MB limit` : null);
  try {
    const format = await detectFormat(file.path, d.zipLimits);
    const hash = await sha256(file.path);
    const prior = await d.db
      .selectFrom('documents')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('content_hash', '=', hash)
      .where('status', '!=', 'failed')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (prior) return { file, kind: 'document', document: prior };
    // Ingest owns the file from here and removes it when done: it moves out of the message's work directory.
    const tempPath = path.join(d.tmpDir, `mail-${randomSecret(12)}`);
    await fs.rename(file.path, tempPath);
    try {
      const document = await d.ingest.accept({
        senderId,
        name: file.name,
        tempPath,
        size: file.size,
        format,
        contentHash: hash,
      });
      return { file, kind: 'document', document };
    } catch (err) {
      await fs.rm(tempPath, { force: true });
      throw err;
    }
  } catch (err) {
    if (!isAppError(err)) throw err;
    const quiet = err.code === 'unsupported_file_type' && !meant;
    return keep(err.code, quiet ? null : (REASONS[err.code] ?? err.publicMessage.replace(/\.$/, '')));
  }
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
