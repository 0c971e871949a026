// First pass over a submitted message: the root headers, which nodes are the body text, and every attachment
// decoded into its own temp file (streamed, so a large attachment never sits in memory).
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Splitter, type MimeNode } from '@zone-eu/mailsplit';
import { sanitizeFileName } from '../documents/names.ts';
import { decodeHeader, headerAddresses } from './addresses.ts';
import { messageInvalid } from './errors.ts';
import { bodyKind, isAttachment, trackingOff } from './parts.ts';

export interface AttachmentFile {
  /** Ordinal of its node in the message (1 = root), the same in every pass over the same bytes. */
  node: number;
  name: string;
  contentType: string;
  path: string;
  size: number;
  /** Larger than the per-attachment limit: only the first bytes were kept (for nothing but the type). */
  tooLarge: boolean;
  /** The part asked not to be tracked. */
  untracked: boolean;
}

export interface Analysis {
  messageId: string | null;
  subject: string | null;
  from: string[];
  to: string[];
  cc: string[];
  bcc: string[];
  untracked: boolean;
  htmlNode: number | null;
  textNode: number | null;
  attachments: AttachmentFile[];
}

export const SPLITTER_OPTIONS = { maxHeadSize: 256 * 1024 };

const lines = (node: MimeNode, key: string) =>
  node.headers ? node.headers.get(key).map((l) => l.replace(/^[^:]*:/, '')) : [];

export async function analyze(rawPath: string, workDir: string, maxAttachmentBytes: number): Promise<Analysis> {
  const a: Analysis = {
    messageId: null,
    subject: null,
    from: [],
    to: [],
    cc: [],
    bcc: [],
    untracked: false,
    htmlNode: null,
    textNode: null,
    attachments: [],
  };
  const splitter = new Splitter(SPLITTER_OPTIONS);
  const input = createReadStream(rawPath);
  input.on('error', (err) => splitter.destroy(err));
  input.pipe(splitter);
  let ordinal = 0;
  let current: { file: AttachmentFile; decoder: NodeJS.ReadWriteStream; done: Promise<void> } | null = null;

  const finish = async () => {
    if (!current) return;
    current.decoder.end();
    await current.done;
    current = null;
  };

  try {
    for await (const chunk of splitter as AsyncIterable<MimeNode | { type: 'data' | 'body'; value: Buffer }>) {
      if (chunk.type === 'node') {
        await finish();
        ordinal++;
        const node = chunk as MimeNode;
        if (node.root) readRoot(a, node);
        const kind = bodyKind(node);
        if (kind === 'html' && a.htmlNode === null) a.htmlNode = ordinal;
        else if (kind === 'text' && a.textNode === null) a.textNode = ordinal;
        else if (isAttachment(node)) current = startFile(a, node, ordinal, workDir, maxAttachmentBytes);
      } else if (chunk.type === 'body' && current) {
        if (!current.decoder.write(chunk.value)) await once(current.decoder, 'drain');
      }
    }
    await finish();
  } catch (err) {
    throw messageInvalid(err);
  } finally {
    input.destroy();
  }
  return a;
}

function readRoot(a: Analysis, node: MimeNode): void {
  const h = node.headers;
  if (!h) return;
  const id = (h.getFirst('Message-ID') ?? '').trim();
  a.messageId = /^<[^<>\s]{1,900}>$/.test(id) ? id : null;
  a.subject = decodeHeader(h.hasHeader('Subject') ? h.getFirst('Subject') : undefined);
  a.from = headerAddresses(lines(node, 'From'));
  a.to = headerAddresses(lines(node, 'To'));
  a.cc = headerAddresses(lines(node, 'Cc'));
  a.bcc = headerAddresses(lines(node, 'Bcc'));
  a.untracked = trackingOff(node);
}

function startFile(a: Analysis, node: MimeNode, ordinal: number, workDir: string, max: number) {
  const file: AttachmentFile = {
    node: ordinal,
    name: sanitizeFileName(node.filename || undefined, 'attachment'),
    contentType: (node.contentType || 'application/octet-stream').toLowerCase(),
    path: path.join(workDir, `attachment-${ordinal}`),
    size: 0,
    tooLarge: false,
    untracked: trackingOff(node),
  };
  a.attachments.push(file);
  const decoder = node.getDecoder();
  // Past the limit the bytes are only counted: the file keeps its head (enough to tell its type).
  const bound = new Transform({
    transform(chunk: Buffer, _e, cb) {
      const room = Math.max(0, max - file.size);
      file.size += chunk.length;
      if (file.size > max) file.tooLarge = true;
      cb(null, room >= chunk.length ? chunk : chunk.subarray(0, room));
    },
  });
  const done = pipeline(decoder, bound, createWriteStream(file.path));
  return { file, decoder, done };
}
