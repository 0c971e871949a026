// LocalBlobStore: blobs as files under one directory; writes go to a temp file, are fsynced, then renamed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertSafeKey, BlobNotFoundError, type BlobInfo, type BlobStore, type ByteRange } from './blob-store.ts';

/** A write in progress: `<key>.tmp-<hex>` (see putFile). */
const TEMP = /\.tmp-[0-9a-f]{12}$/;

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
    await fs.mkdir(path.dirname(dest), { recursive: true, mode: 0o700 });
    const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await fs.copyFile(localPath, tmp);
      const fh = await fs.open(tmp, 'r+');
      try {
        await fh.chmod(0o600);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, dest);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    const dir = await fs.open(path.dirname(dest), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    const { size } = await fs.stat(dest);
    // Blobs never change under a key, so a random tag written beside it is a valid strong validator.
    const etag = randomBytes(12).toString('base64url');
    await fs.writeFile(`${dest}.etag`, etag, { mode: 0o600 });
    return { size, etag };
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const p = this.file(key);
    try {
      const st = await fs.stat(p);
      const etag = await fs
        .readFile(`${p}.etag`, 'utf8')
        .catch(() => `${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}`);
      return { size: st.size, etag };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const p = this.file(key);
    const handle = await fs.open(p, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new BlobNotFoundError(key, { cause: err }) : err;
    });
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    const p = this.file(key);
    await fs.rm(p, { force: true });
    await fs.rm(`${p}.etag`, { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const entries = await fs.readdir(this.root, { withFileTypes: true, recursive: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.etag') && !TEMP.test(e.name))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((key) => key.startsWith(prefix));
  }

  async removeIncomplete(): Promise<number> {
    const entries = await fs.readdir(this.root, { withFileTypes: true, recursive: true }).catch(() => []);
    const partial = entries.filter((e) => e.isFile() && TEMP.test(e.name));
    for (const e of partial) await fs.rm(path.join(e.parentPath, e.name), { force: true });
    return partial.length;
  }

  async check(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    await fs.access(this.root, fs.constants.W_OK);
  }

  async close(): Promise<void> {}
}
