// Blob-storage settings: local by default; STORAGE=s3 needs a bucket, and keys come in pairs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';

test('storage is local disk unless STORAGE=s3', () => {
  const c = loadConfig({});
  assert.equal(c.STORAGE, 'local');
  assert.equal(c.S3_FORCE_PATH_STYLE, false);
  const s = loadConfig({
    STORAGE: 's3',
    S3_BUCKET: 'pagetrail-blobs',
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
    S3_FORCE_PATH_STYLE: 'true',
  });
  assert.equal(s.STORAGE, 's3');
  assert.equal(s.S3_BUCKET, 'pagetrail-blobs');
  assert.equal(s.S3_FORCE_PATH_STYLE, true);
  assert.equal(s.AWS_REGION, 'us-east-1');
});

test('STORAGE=s3 without S3_BUCKET, half a key pair or a bad bucket name is a boot error naming each', () => {
  assert.throws(
    () => loadConfig({ STORAGE: 's3' }),
    (e) => e instanceof ConfigError && e.problems.some((p) => p.includes('S3_BUCKET is required')),
  );
  assert.throws(() => loadConfig({ STORAGE: 's3', S3_BUCKET: 'b-ok', AWS_ACCESS_KEY_ID: 'AKIA' }), /go together/);
  assert.throws(() => loadConfig({ STORAGE: 's3', S3_BUCKET: 'Bad_Bucket' }), /S3_BUCKET/);
  assert.throws(() => loadConfig({ STORAGE: 'gcs' }), /STORAGE/);
});
