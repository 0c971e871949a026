// Picks the blob store from configuration: local disk by default, S3 with STORAGE=s3 (its SDK loaded only then).
import path from 'node:path';
import type { BlobStore } from './blob-store.ts';
import { LocalBlobStore } from './local.ts';

/** The settings this factory reads; the server's Config satisfies it. */
export interface BlobStoreConfig {
  STORAGE: 'local' | 's3';
  dataDir: string;
  S3_BUCKET?: string | undefined;
  AWS_REGION: string;
  AWS_ENDPOINT_URL_S3?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
  AWS_ACCESS_KEY_ID?: string | undefined;
  AWS_SECRET_ACCESS_KEY?: string | undefined;
}

export async function createBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  if (config.STORAGE === 'local') return new LocalBlobStore(path.join(config.dataDir, 'blobs'));
  if (!config.S3_BUCKET) throw new Error('STORAGE=s3 needs S3_BUCKET');
  const { S3BlobStore } = await import('./s3.ts');
  return S3BlobStore.open({
    bucket: config.S3_BUCKET,
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL_S3,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials:
      config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
        : undefined,
  });
}

export type { BlobInfo, BlobStore, ByteRange } from './blob-store.ts';
export { BlobNotFoundError } from './blob-store.ts';
