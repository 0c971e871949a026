// One suite for every BlobStore: local disk and S3 (against s3rver on loopback, started here).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { parseRange } from '../../server/http/send-blob.ts';
import { BlobNotFoundError, type BlobStore, type ByteRange } from '../../storage/blobs/blob-store.ts';
import { createBlobStore } from '../../storage/blobs/index.ts';
import { LocalBlobStore } from '../../storage/blobs/local.ts';
import { S3BlobStore } from '../../storage/blobs/s3.ts';
import { startS3, type TestS3 } from '../helpers/s3rver.ts';

interface Adapter {
  name: string;
  open(): Promise<BlobStore>;
  /** Commands the store sent since open (S3 only), to see that a big upload really went in parts. */
  commands?: string[];
  /** Ranges this adapter's test server answers wrongly, which the store must refuse rather than pass on. */
  misanswered?: string[];
  close(): Promise<void>;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pagetrail-blobs-'));
let s3: TestS3;

const local: Adapter = {
  name: 'LocalBlobStore',
  async open() {
    return new LocalBlobStore(path.join(work, 'local-blobs'));
  },
  async close() {},
};

const s3Adapter: Adapter = {
  name: 'S3BlobStore',
  commands: [],
  // s3rver 3.7 reads an end of 0 as no end and sends the whole object (AWS S3 and MinIO send the one byte).
  misanswered: ['bytes=0-0'],
  async open() {
    s3 = await startS3();
    const store = await S3BlobStore.open({
      bucket: s3.bucket,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    store.s3.middlewareStack.add(
      (next, context) => async (args) => {
        s3Adapter.commands!.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    return store;
  },
  async close() {
    await s3?.close();
  },
};

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function tempFile(bytes: Buffer): Promise<string> {
  const p = path.join(work, `in-${randomBytes(6).toString('hex')}`);
  await fsp.writeFile(p, bytes);
  return p;
}

after(() => fs.rmSync(work, { recursive: true, force: true }));

for (const adapter of [local, s3Adapter]) {
  describe(adapter.name, () => {
    let store: BlobStore;
    const body = randomBytes(300_000);
    const key = `docs/doc_${randomBytes(4).toString('hex')}/document.pdf`;

    before(async () => {
      store = await adapter.open();
      await store.putFile(key, await tempFile(body), 'application/pdf');
    });
    after(async () => {
      await store.close();
      await adapter.close();
    });

    it('is ready', async () => {
      await store.check();
    });

    it('stores a file and reads it back whole, with its size and a stable tag', async () => {
      assert.deepEqual(await readAll(await store.read(key)), body);
      const a = await store.stat(key);
      const b = await store.stat(key);
      assert.equal(a?.size, body.length);
      assert.ok(a?.etag && /^[\x21\x23-\x7e]+$/.test(a.etag), `etag ${a?.etag} usable inside quotes`);
      assert.equal(a.etag, b?.etag);
    });

    it('reads byte ranges: first byte, middle, last byte, open-ended and suffix ranges as the reader asks for them', async () => {
      const size = body.length;
      const ask = (header: string) => {
        const r = parseRange(header, size);
        assert.ok(r && r !== 'unsatisfiable', `${header} resolves to a range`);
        return r as ByteRange;
      };
      const cases: [string, ByteRange][] = [
        ['bytes=0-0', { start: 0, end: 0 }],
        ['bytes=1000-66535', { start: 1000, end: 66535 }],
        [`bytes=${size - 1}-${size - 1}`, { start: size - 1, end: size - 1 }],
        ['bytes=250000-', { start: 250000, end: size - 1 }],
        ['bytes=-1024', { start: size - 1024, end: size - 1 }],
        [`bytes=-${size * 2}`, { start: 0, end: size - 1 }],
        [`bytes=299000-${size * 3}`, { start: 299000, end: size - 1 }],
      ];
      for (const [header, expected] of cases) {
        const range = ask(header);
        assert.deepEqual(range, expected, header);
        if (adapter.misanswered?.includes(header)) {
          await assert.rejects(store.read(key, range), /S3 answered bytes 0-299999\/300000 for bytes 0-0/);
          continue;
        }
        const got = await readAll(await store.read(key, range));
        assert.equal(got.length, range.end - range.start + 1, `${header}: length`);
        assert.ok(got.equals(body.subarray(range.start, range.end + 1)), `${header}: bytes`);
      }
    });

    it('streams a 20 MB file in (multipart on S3) and back out with the same SHA-256', async () => {
      const big = path.join(work, `big-${adapter.name}`);
      const hash = createHash('sha256');
      const out = fs.createWriteStream(big);
      for (let i = 0; i < 20; i++) {
        const chunk = randomBytes(1024 * 1024);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const bigKey = 'docs/doc_big/original';
      const before = adapter.commands?.length ?? 0;
      const info = await store.putFile(bigKey, big, 'application/octet-stream');
      assert.equal(info.size, 20 * 1024 * 1024);
      if (adapter.commands) {
        const sent = adapter.commands.slice(before);
        assert.ok(sent.filter((c) => c === 'UploadPartCommand').length >= 3, `uploaded in parts: ${sent.join(', ')}`);
        assert.equal(sent.filter((c) => c === 'CompleteMultipartUploadCommand').length, 1);
      }
      const back = createHash('sha256');
      await pipeline(await store.read(bigKey), async function* (src) {
        for await (const c of src) back.update(c as Buffer);
      });
      assert.equal(back.digest('hex'), hash.digest('hex'));
      await store.delete(bigKey);
      await fsp.rm(big);
    });

    it('answers a missing key with null from stat and BlobNotFoundError from read', async () => {
      assert.equal(await store.stat('docs/doc_nothing/document.pdf'), null);
      await assert.rejects(
        store.read('docs/doc_nothing/document.pdf'),
        (err) => err instanceof BlobNotFoundError && err.key === 'docs/doc_nothing/document.pdf',
      );
      await assert.rejects(store.read('docs/doc_nothing/document.pdf', { start: 0, end: 9 }), BlobNotFoundError);
    });

    it('deletes a blob (and deleting it again is harmless); other blobs stay', async () => {
      const gone = 'docs/doc_gone/thumbnail.png';
      await store.putFile(gone, await tempFile(Buffer.from('png bytes')), 'image/png');
      assert.ok(await store.stat(gone));
      await store.delete(gone);
      assert.equal(await store.stat(gone), null);
      await assert.rejects(store.read(gone), BlobNotFoundError);
      await store.delete(gone);
      assert.equal((await store.stat(key))?.size, body.length);
    });

    it('refuses keys the server would never make', async () => {
      for (const bad of ['../etc/passwd', 'docs/../x', '/abs', 'a//b', 'sp ace']) {
        await assert.rejects(store.putFile(bad, path.join(work, 'none'), 'text/plain'), /unsafe blob key/, bad);
        await assert.rejects(store.read(bad), /unsafe blob key/, bad);
      }
    });
  });
}

describe('createBlobStore', () => {
  let server: TestS3;
  before(async () => {
    server = await startS3('pagetrail-factory');
  });
  after(async () => {
    await server.close();
  });
  const base = {
    dataDir: work,
    AWS_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: true,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };

  it('gives local disk by default and S3 with STORAGE=s3', async () => {
    const l = await createBlobStore({ ...base, STORAGE: 'local' });
    assert.ok(l instanceof LocalBlobStore);
    const s = await createBlobStore({
      ...base,
      STORAGE: 's3',
      S3_BUCKET: server.bucket,
      AWS_ENDPOINT_URL_S3: server.endpoint,
    });
    assert.ok(s instanceof S3BlobStore);
    await s.check();
    await s.close();
  });

  it('reports an S3 store whose bucket does not exist as not ready', async () => {
    const s = await createBlobStore({
      ...base,
      STORAGE: 's3',
      S3_BUCKET: 'no-such-bucket',
      AWS_ENDPOINT_URL_S3: server.endpoint,
    });
    await assert.rejects(s.check());
    await s.close();
  });
});
