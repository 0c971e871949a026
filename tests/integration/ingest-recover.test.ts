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
  await t.db.insertInto('documents').values({
    id, sender_id: s.id, name: `${id}.pdf`, format: 'pdf', status: 'processing', page_count: null, size_bytes: 1,
    original_key: null, pdf_key: null, pdf_size: null, thumbnail_key: null, error_code: null, error_message: null,
    convert_ms: null, created_at: now, updated_at: now,
  }).execute();
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
