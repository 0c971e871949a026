// S3BlobStore: blobs as objects in one bucket (AWS S3 or a compatible store such as MinIO).
// The SDK is imported when the store is opened, so the embedded default never loads it.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { assertSafeKey, BlobNotFoundError, type BlobInfo, type BlobStore, type ByteRange } from './blob-store.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible stores; AWS itself needs none. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Without them the SDK's default chain applies (instance role, profile, web identity). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Multipart part size; S3's minimum is 5 MiB. */
  partSize?: number;
}

type Sdk = typeof import('@aws-sdk/client-s3');

/** Missing object or bucket: HeadObject answers a bare 404 (NotFound), GetObject NoSuchKey. */
function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** S3 quotes its ETags; sendBlob adds its own quotes. */
const bareEtag = (etag: string | undefined, key: string) => {
  if (!etag) throw new Error(`S3 answered no ETag for ${key}`);
  return etag.replace(/^W\//, '').replace(/"/g, '');
};

export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly sdk: Sdk;
  private readonly partSize: number;

  private constructor(sdk: Sdk, opts: S3BlobStoreOptions) {
    this.sdk = sdk;
    this.bucket = opts.bucket;
    this.partSize = Math.max(5 * 1024 * 1024, opts.partSize ?? 8 * 1024 * 1024);
    this.client = new sdk.S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.credentials,
      // Checksums only where S3 demands them: compatible stores (MinIO, s3rver) reject or omit the newer ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  static async open(opts: S3BlobStoreOptions): Promise<S3BlobStore> {
    return new S3BlobStore(await import('@aws-sdk/client-s3'), opts);
  }

  /** The client, for callers that need more of S3 than a BlobStore offers (presigning in the benchmark). */
  get s3(): S3Client {
    return this.client;
  }

  async putFile(key: string, localPath: string, contentType: string): Promise<BlobInfo> {
    assertSafeKey(key);
    const { Upload } = await import('@aws-sdk/lib-storage');
    // Streamed in parts: the file is never held in memory; S3 shows the object only once the upload completes.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: createReadStream(localPath), ContentType: contentType },
      partSize: this.partSize,
      queueSize: 4,
      leavePartsOnError: false,
    });
    await upload.done();
    // A multipart completion's ETag is not the object's digest, and compatible stores differ: ask once.
    const info = await this.stat(key);
    if (!info) throw new Error(`S3 lost ${key} right after storing it`);
    return info;
  }

  async stat(key: string): Promise<BlobInfo | null> {
    assertSafeKey(key);
    try {
      const head = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(head.ContentLength ?? 0), etag: bareEtag(head.ETag, key) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(
        new this.sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // A store that ignored the range would hand the reader the wrong bytes under a right-looking Content-Range.
      if (range && out.ContentRange && !out.ContentRange.startsWith(`bytes ${range.start}-${range.end}/`)) {
        (out.Body as Readable | undefined)?.destroy();
        throw new Error(`S3 answered ${out.ContentRange} for bytes ${range.start}-${range.end} of ${key}`);
      }
      // In Node the body is the HTTP response stream itself.
      return out.Body as Readable;
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    // S3 answers 204 for a missing key too, which matches LocalBlobStore's forgiving delete.
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async check(): Promise<void> {
    await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: AbortSignal.timeout(5000),
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
