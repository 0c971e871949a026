// A stop in the middle of processing loses nothing: at the next start the stored original is processed again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { LocalBlobStore } from '../../storage/blobs/local.ts';
import { startApp, waitReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';

let t: TestApp;
let s: TestSender;
before(async () => {
  t = await startApp();
  s = await t.sender();
});
after(async () => t.close());

async function stuckDocument(id: string, withOriginal: boolean): Promise<void> {
  const now = new Date().toISOString();
  await t.db
    .insertInto('documents')
    .values({
      id,
      sender_id: s.id,
      name: `${id}.pdf`,
      format: 'pdf',
      status: 'processing',
      page_count: null,
      size_bytes: 1,
      original_key: null,
      pdf_key: null,
      pdf_size: null,
      thumbnail_key: null,
      error_code: null,
      error_message: null,
      convert_ms: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (withOriginal) {
    const src = path.join(t.dataDir, 'tmp', `${id}-src`);
    fs.writeFileSync(src, makePdf(3));
    await new LocalBlobStore(path.join(t.dataDir, 'blobs')).putFile(`docs/${id}/original`, src);
    fs.rmSync(src);
  }
}

it('reprocesses documents left processing from their stored original, and fails those without one', async () => {
  await stuckDocument('doc_recoverAAAAAAAAAAAAAAA', true);
  await stuckDocument('doc_recoverBBBBBBBBBBBBBBB', false);
  assert.equal(await t.app.ingest.recover(), 2);
  const a = await waitReady(t, s.token, 'doc_recoverAAAAAAAAAAAAAAA');
  assert.equal(a.status, 'ready');
  assert.equal(a.pageCount, 3);
  const b = await waitReady(t, s.token, 'doc_recoverBBBBBBBBBBBBBBB');
  assert.equal(b.status, 'failed');
  assert.equal((b.error as { code: string }).code, 'processing_interrupted');
  assert.deepEqual(await t.tempFiles(), []);
});

it("removes at start the blobs no document owns and half-written blob copies, keeping every live document's", async () => {
  const store = new LocalBlobStore(path.join(t.dataDir, 'blobs'));
  const src = path.join(t.dataDir, 'tmp', 'orphan-src');
  fs.writeFileSync(src, makePdf(1));
  await store.putFile('docs/doc_goneCCCCCCCCCCCCCCCCC/original', src); // its row was deleted, then the process died
  await store.putFile('docs/doc_goneCCCCCCCCCCCCCCCCC/document.pdf', src);
  fs.rmSync(src);
  // What the test before made after ready (thumbnail, page-1 image) lands first: the live blobs are then settled.
  await t.app.ingest.drain(120_000);
  const live = await store.list('docs/doc_recoverAAAAAAAAAAAAAAA/');
  assert.ok(live.length >= 2, 'the live document from the test before has its blobs');
  const partial = path.join(store.root, 'docs', 'doc_recoverAAAAAAAAAAAAAAA', 'document.pdf.tmp-0123456789ab');
  fs.writeFileSync(partial, 'half a copy');

  await t.app.ingest.recover();
  assert.deepEqual(await store.list('docs/doc_goneCCCCCCCCCCCCCCCCC/'), [], 'the orphan blobs are gone');
  assert.equal(fs.existsSync(partial), false, 'the half-written copy is gone');
  assert.deepEqual(await store.list('docs/doc_recoverAAAAAAAAAAAAAAA/'), live, 'the live document keeps its blobs');
  const res = await fetch(`${t.url}/api/documents/doc_recoverAAAAAAAAAAAAAAA`, {
    headers: { authorization: `Bearer ${s.token}` },
  });
  assert.equal(((await res.json()) as { status: string }).status, 'ready');
});
