// Second pass: one recipient's copy, streamed from the stored original. Everything is passed through byte for
// byte except what must change: attachments that became documents are cut out (with their boundary line), the
// body parts get the documents' blocks, and the root loses Bcc and our control header (and gains a Message-ID
// when the client sent none).
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Joiner, Splitter, type MimeNode } from '@zone-eu/mailsplit';
import { SPLITTER_OPTIONS } from './analyze.ts';
import { htmlBlock, insertHtml, type LinkedDocument, textBlock } from './blocks.ts';
import { TRACK_HEADER } from './parts.ts';
import { type RewrittenLink, type TrackingPlan, trackHtml } from './tracking-html.ts';

export interface CopyPlan {
  /** Attachment nodes replaced by links. */
  drop: Set<number>;
  htmlNode: number | null;
  textNode: number | null;
  /** This recipient's documents, in attachment order. */
  docs: LinkedDocument[];
  /** Set when the client sent no Message-ID. */
  addMessageId: string | null;
  /** The open pixel and click redirects for the HTML part (absent: the copy is not tracked). */
  tracking?: TrackingPlan;
}

type Chunk = MimeNode | { type: 'data' | 'body'; value: Buffer; node?: MimeNode };

/** Body parts larger than this are passed on without a block (they are held whole to be edited). */
const MAX_EDITED_BODY = 16 * 1024 * 1024;

/** Writes the copy; resolves the links its HTML part now carries (the click redirects' targets). */
export async function writeCopy(rawPath: string, plan: CopyPlan, outPath: string): Promise<RewrittenLink[]> {
  const editor = new CopyEditor(plan);
  await pipeline(
    createReadStream(rawPath),
    new Splitter(SPLITTER_OPTIONS),
    editor,
    new Joiner(),
    createWriteStream(outPath),
  );
  return editor.links;
}

class CopyEditor extends Transform {
  private readonly plan: CopyPlan;
  private ordinal = 0;
  /** Multipart structure since the last leaf body: it ends with the next part's boundary line. */
  private held: Buffer[] = [];
  private dropping = false;
  private editing: { node: MimeNode; kind: 'html' | 'text'; chunks: Buffer[]; size: number } | null = null;
  links: RewrittenLink[] = [];

  constructor(plan: CopyPlan) {
    super({ readableObjectMode: true, writableObjectMode: true });
    this.plan = plan;
  }

  override _transform(chunk: Chunk, _enc: BufferEncoding, cb: TransformCallback): void {
    this.handle(chunk).then(() => cb(), cb);
  }

  override _flush(cb: TransformCallback): void {
    this.endEdit().then(() => {
      this.flushHeld();
      cb();
    }, cb);
  }

  private async handle(chunk: Chunk): Promise<void> {
    if (chunk.type === 'node') {
      await this.endEdit();
      this.ordinal++;
      const node = chunk as MimeNode;
      this.editHeaders(node);
      this.dropping = this.plan.drop.has(this.ordinal) && this.cutBoundary();
      if (this.dropping) return;
      this.flushHeld();
      const kind = this.ordinal === this.plan.htmlNode ? 'html' : this.ordinal === this.plan.textNode ? 'text' : null;
      const edit = this.plan.docs.length > 0 || (kind === 'html' && this.plan.tracking);
      if (kind && edit) this.editing = { node, kind, chunks: [], size: 0 };
      else this.push(node);
      return;
    }
    const { type, value } = chunk as { type: 'data' | 'body'; value: Buffer };
    if (type === 'data') {
      await this.endEdit();
      this.dropping = false;
      this.held.push(value);
    } else if (this.dropping) {
      // the cut attachment's bytes
    } else if (this.editing) {
      this.editing.chunks.push(value);
      this.editing.size += value.length;
      if (this.editing.size > MAX_EDITED_BODY) this.giveUpEdit();
    } else {
      this.push(chunk);
    }
  }

  private editHeaders(node: MimeNode): void {
    const h = node.headers;
    if (!h) return;
    if (node.root) {
      if (h.hasHeader('Bcc')) h.remove('Bcc');
      if (this.plan.addMessageId && !h.hasHeader('Message-ID')) h.add('Message-ID', this.plan.addMessageId);
    }
    if (h.hasHeader(TRACK_HEADER)) h.remove(TRACK_HEADER);
  }

  /** Removes the boundary line that opened the part being cut (and the line break before it, which belongs to
   * it); false when the held structure does not end with one (then the part is kept). */
  private cutBoundary(): boolean {
    const text = Buffer.concat(this.held).toString('latin1');
    const m = /(\r?\n)?--[^\r\n]*\r?\n$/.exec(text);
    if (!m) return false;
    this.held = [Buffer.from(text.slice(0, m.index), 'latin1')];
    return true;
  }

  private flushHeld(): void {
    for (const value of this.held) if (value.length) this.push({ type: 'data', value });
    this.held = [];
  }

  private giveUpEdit(): void {
    const e = this.editing!;
    this.editing = null;
    this.push(e.node);
    for (const value of e.chunks) this.push({ type: 'body', value, node: e.node });
  }

  private async endEdit(): Promise<void> {
    const e = this.editing;
    if (!e) return;
    this.editing = null;
    const { node } = e;
    const raw = Buffer.concat(e.chunks);
    const encoded = node.encoding === 'base64' || node.encoding === 'quoted-printable';
    const content = encoded ? await transcode(node.getDecoder(), raw) : raw;
    // latin1 maps bytes to characters one to one: the part's own bytes come back unchanged, whatever its charset.
    const text = content.toString('latin1');
    const eol = text.includes('\r\n') || !text.includes('\n') ? '\r\n' : '\n';
    let edited: Buffer;
    if (e.kind === 'html') {
      let body = text;
      if (this.plan.tracking) {
        const utf8 = /^utf-?8$/i.test(node.charset || '');
        const tracked = trackHtml(body, this.plan.tracking, (raw) =>
          utf8 ? Buffer.from(raw, 'latin1').toString('utf8') : raw,
        );
        body = tracked.html;
        this.links = tracked.links;
      }
      edited = Buffer.from(this.plan.docs.length ? insertHtml(body, htmlBlock(this.plan.docs, eol)) : body, 'latin1');
    } else {
      const utf8 = /^utf-?8$/i.test(node.charset || '') && encoded;
      const trimmed = content.subarray(0, content.length - (/(\r?\n)+$/.exec(text)?.[0].length ?? 0));
      edited = Buffer.concat([
        trimmed,
        Buffer.from(textBlock(this.plan.docs, eol, !utf8), utf8 ? 'utf8' : 'latin1'),
        Buffer.from(eol),
      ]);
    }
    const out = encoded ? await transcode(node.getEncoder(), edited) : edited;
    this.push(node);
    this.push({ type: 'body', value: out, node });
    if (out.length && out[out.length - 1] !== 0x0a) this.push({ type: 'body', value: Buffer.from(eol), node });
  }
}

function transcode(stream: NodeJS.ReadWriteStream, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    stream.on('data', (c: Buffer) => out.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.on('end', () => resolve(Buffer.concat(out)));
    stream.on('error', reject);
    stream.end(input);
  });
}
