// The real app with STORAGE=s3 against s3rver: upload -> ready -> link -> range reads of the reader's file -> delete
// removes the document's objects from the bucket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../storage/blobs/s3.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { startS3, type TestS3 } from '../helpers/s3rver.ts';
import { fileAccess } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

describe('the API on S3 blob storage', () => {
  let s3: TestS3;
  let t: TestApp;
  let alice: TestSender;
  const pdf = makePdf(3, { padBytes: 200_000 });

  const objects = async (prefix: string) => {
    assert.ok(t.blobs instanceof S3BlobStore, 'the app runs on S3');
    const out = await t.blobs.s3.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  };

  before(async () => {
    s3 = await startS3();
    t = await startApp(s3.env);
    alice = await t.sender();
  });
  after(async () => {
    await t?.close();
    await s3?.close();
  });

  it('is ready with the bucket reachable', async () => {
    const res = await fetch(`${t.url}/readyz`);
    const body = (await res.json()) as { checks: { storage: string } };
    assert.equal(body.checks.storage, 'ok');
  });

  it('stores an upload in the bucket, serves the reader byte ranges from it, and deletes it with the document', async () => {
    const id = await uploadReady(t, alice.token, pdf, 'Deck.pdf');
    const stored = await objects(`docs/${id}/`);
    assert.ok(stored.includes(`docs/${id}/document.pdf`), `objects: ${stored.join(', ')}`);
    assert.ok(stored.includes(`docs/${id}/original`), `objects: ${stored.join(', ')}`);

    const link = await createLink(t, alice.token, id);
    const file = `${t.url}/v/${link.token}/file`;
    const access = await fileAccess(t.url, link.token);
    const whole = await fetch(file, { headers: access });
    assert.equal(whole.status, 200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const size = bytes.length;
    const etag = whole.headers.get('etag');
    assert.ok(etag);

    for (const [header, start, end] of [
      ['bytes=100-65635', 100, 65635],
      ['bytes=-4096', size - 4096, size - 1],
      [`bytes=${size - 10}-`, size - 10, size - 1],
    ] as const) {
      const res = await fetch(file, { headers: { ...access, range: header } });
      assert.equal(res.status, 206, header);
      assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${size}`, header);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1)), `${header}: bytes`);
    }
    const beyond = await fetch(file, { headers: { ...access, range: `bytes=${size}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${size}`);
    assert.equal((await fetch(file, { headers: { ...access, 'if-none-match': etag } })).status, 304);

    const del = await fetch(`${t.url}/api/documents/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(del.status, 204);
    await eventually(async () => (await objects(`docs/${id}/`)).length === 0, 30_000, `no objects under docs/${id}/`);
    assert.ok([404, 410].includes((await fetch(file)).status), 'the file URL of a deleted document is gone');
  });

  it('keeps another document in the bucket when one is deleted', async () => {
    const keep = await uploadReady(t, alice.token, pdf, 'Keep.pdf');
    const gone = await uploadReady(t, alice.token, pdf, 'Gone.pdf');
    await fetch(`${t.url}/api/documents/${gone}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    // Images made after ready may land after the delete; they are removed as soon as their writer sees it.
    await eventually(
      async () => (await objects(`docs/${gone}/`)).length === 0,
      30_000,
      `no objects under docs/${gone}/`,
    );
    assert.ok((await objects(`docs/${keep}/`)).includes(`docs/${keep}/document.pdf`));
  });
});
