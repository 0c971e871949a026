// The API tests again, on the scale-out engines: the same test files (upload, links and the reader's file, viewer
// events over the socket, the feed with `after` replay, messages, the analytics against the stored events) run
// unchanged in a child test run whose environment sets DATABASE_URL (each app gets its own PostgreSQL database) and
// STORAGE=s3 (an s3rver here).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { TEST_POSTGRES } from '../helpers/postgres.ts';
import { startS3, type TestS3 } from '../helpers/s3rver.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FILES = [
  'api-upload.test.ts',
  'api-links.test.ts',
  'realtime-viewer.test.ts',
  'realtime-feed.test.ts',
  'mail-api.test.ts',
  'analytics.test.ts',
];

let s3: TestS3;
before(async () => {
  s3 = await startS3();
});
after(() => s3?.close());

/** Runs the files in a child `node --test` (TAP) and returns its output and exit code. */
function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  // The child is a test run of its own, not a part of this one.
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    [
      '--test',
      '--test-concurrency=1',
      '--test-timeout=180000',
      '--test-reporter=tap',
      ...FILES.map((f) => path.join(HERE, f)),
    ],
    { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b));
  child.stderr.on('data', (b: Buffer) => (out += b));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

/** Samples the server's sessions while the child runs: how many of them carry `marker` as their application. */
function watchSessions(marker: string): { stop(): Promise<number> } {
  const client = new pg.Client({ connectionString: TEST_POSTGRES });
  let seen = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const r = await client.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [
        marker,
      ]);
      seen = Math.max(seen, r.rows[0].n as number);
      await new Promise((res) => setTimeout(res, 500));
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return seen;
    },
  };
}

test('the API test files pass on PostgreSQL and S3', { timeout: 1_200_000 }, async (t) => {
  // The apps' connections carry a marker, so this run can tell they really were on PostgreSQL.
  const marker = `pagetrail_api_${randomBytes(4).toString('hex')}`;
  const url = new URL(TEST_POSTGRES);
  url.searchParams.set('application_name', marker);
  const sessions = watchSessions(marker);
  const { code, out } = await run({ DATABASE_URL: url.toString(), ...s3.env });
  assert.ok((await sessions.stop()) > 0, 'the apps held PostgreSQL connections');
  const listed = await new S3Client({
    region: s3.env.AWS_REGION!,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.env.AWS_ACCESS_KEY_ID!, secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY! },
  }).send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'docs/' }));
  assert.ok((listed.KeyCount ?? 0) > 0, 'the apps stored their documents in the bucket');
  const count = (what: string) => Number(out.match(new RegExp(`^# ${what} (\\d+)$`, 'm'))?.[1] ?? NaN);
  const failures = out
    .split('\n')
    .filter((l) => /^\s*not ok /.test(l))
    .slice(0, 20);
  assert.deepEqual(failures, [], `failed on PostgreSQL + S3:\n${out.slice(-6000)}`);
  assert.equal(code, 0, out.slice(-4000));
  assert.ok(count('pass') >= 57, `only ${count('pass')} tests ran`);
  assert.equal(count('fail'), 0);
  t.diagnostic(`${count('pass')} API tests passed on PostgreSQL + S3`);
});
