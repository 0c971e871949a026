// After-ready work (pdftoppm's thumbnails and page images) runs below the service's CPU priority, so conversions
// come first on a busy machine.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { BACKGROUND_NICENESS, runInBackground } from '../../server/conversion/background-run.ts';

test('a background child runs at the background niceness, the service stays at its own', async () => {
  const own = os.getPriority();
  // The child reads its own niceness (field 19 of /proc/<pid>/stat) a moment after it starts.
  const { stdout } = await runInBackground('sh', ['-c', "sleep 0.5; cut -d' ' -f19 /proc/$$/stat"], {
    timeout: 30_000,
  });
  assert.equal(Number(stdout.trim()), Math.max(own, BACKGROUND_NICENESS), 'the child was not lowered');
  assert.equal(os.getPriority(), own, 'the service itself changed priority');
});
