// LocalBlobStore: blobs as files under one directory; writes go to a temp file, are fsynced, then renamed.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notFound } from '../../server/errors.ts';
import { assertSafeKey, type BlobInfo, type BlobStore, type ByteRange } from './blob-store.ts';

export class LocalBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private file(key: string): string {
    assertSafeKey(key);
    const p = path.join(this.root, key);
    if (!p.startsWith(this.root + path.sep)) throw new Error(`unsafe blob key: ${key}`);
    return p;
  }

  async putFile(key: string, localPath: string): Promise<BlobInfo> {
    const dest = this.file(key);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
    const hash = createHash('sha256');
    try {
      const out = await fs.open(tmp, 'wx', 0o600);
      try {
        const ws = out.createWriteStream({ autoClose: false });
        const rs = createReadStream(localPath);
        rs.on('data', (c) => hash.update(c));
        await pipeline(rs, ws);
        await out.sync();
      } finally {
        await out.close();
      }
      await fs.rename(tmp, dest);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    const dir = await fs.open(path.dirname(dest), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
    const st = await fs.stat(dest);
    const etag = hash.digest('base64url').slice(0, 27);
    await fs.writeFile(`${dest}.etag`, etag);
    return { size: st.size, etag };
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const p = this.file(key);
    try {
      const st = await fs.stat(p);
      const etag = await fs.readFile(`${p}.etag`, 'utf8').catch(() => `${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}`);
      return { size: st.size, etag };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const p = this.file(key);
    const handle = await fs.open(p, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? notFound('File') : err;
    });
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    const p = this.file(key);
    await fs.rm(p, { force: true });
    await fs.rm(`${p}.etag`, { force: true });
  }

  async check(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    await fs.access(this.root, fs.constants.W_OK);
  }
}
