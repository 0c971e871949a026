// A service running as root hands soffice to an unprivileged user; without that setting soffice runs as the service.
// And a pool cleans up after a predecessor that was killed before it could.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resolveRunAs, type Owner } from '../../server/conversion/run-as.ts';
import { UnoPoolConverter } from '../../server/conversion/uno-pool.ts';
import { testLogger, unoPool, workRoot } from '../helpers/converters.ts';
import { fixture } from '../helpers/fixtures.ts';
import { officeProcesses } from '../helpers/processes.ts';

const asRoot = process.getuid?.() === 0;
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

async function convertAndLook(owner: Owner | null): Promise<{ uids: number[]; pages: boolean }> {
  const root = await workRoot('run-as');
  const pool: UnoPoolConverter = unoPool(root, { size: 1, owner });
  try {
    const out = path.join(root, 'out');
    fs.mkdirSync(out);
    const pdf = await pool.convert({ inputPath: await fixture('docx', 2), format: 'docx', outputDir: out });
    const uids = (await officeProcesses(root)).map(uidOf);
    return { uids, pages: fs.statSync(pdf).size > 0 };
  } finally {
    await pool.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('the user soffice runs as', { skip: !asRoot && 'needs a service running as root' }, () => {
  it('auto, as root: soffice runs as nobody and still converts', async () => {
    const nobody = resolveRunAs('auto');
    assert.ok(nobody && nobody.uid !== 0);
    const { uids, pages } = await convertAndLook(nobody);
    assert.ok(pages);
    assert.ok(uids.length >= 1);
    assert.ok(
      uids.every((u) => u === nobody.uid),
      `uids ${uids}`,
    );
  });

  it('none: soffice runs as the service itself', async () => {
    assert.equal(resolveRunAs('none'), null);
    const { uids } = await convertAndLook(null);
    assert.ok(uids.length >= 1 && uids.every((u) => u === 0), `uids ${uids}`);
  });
});

describe('work folders of a pool that was killed', () => {
  it('are removed when the next pool starts', async () => {
    const stale = path.join(os.tmpdir(), 'pagetrail-pool-2147483-deadbeef');
    fs.mkdirSync(path.join(stale, 'jobs'), { recursive: true });
    const pool = new UnoPoolConverter({
      size: 1,
      queueMax: 1,
      timeoutMs: 10_000,
      restartAfter: 10,
      startTimeoutMs: 30_000,
      sofficePath: 'soffice',
      pythonPath: '/usr/bin/python3',
      logger: testLogger,
    });
    try {
      for (let i = 0; i < 100 && fs.existsSync(stale); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(fs.existsSync(stale), false);
      assert.equal(fs.existsSync(pool.workRoot), false, 'a lazy pool has made nothing yet');
    } finally {
      await pool.close();
    }
  });
});
