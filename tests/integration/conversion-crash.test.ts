// No pooled soffice outlives its owner: the owning process's group is killed with SIGKILL at each stage of a
// pooled soffice's life (bridge started but not connected, soffice starting, idle, mid-job), and every process
// of that pool (bridge, oosplash, soffice.bin, which run as `nobody` when the tests run as root) must be gone
// within a few seconds. When the bridge dies at the same moment as its owner, the next pool cleans up.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';
import { findProcesses } from '../../server/conversion/proc-sweep.ts';
import { fixture } from '../helpers/fixtures.ts';
import { isAlive } from '../helpers/processes.ts';

const GONE_WITHIN_MS = 10_000;

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check();
}
let tmp: string;

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-crash-'));
  await fs.chmod(tmp, 0o711); // passable like the system temp directory, for the user soffice runs as
});
after(async () => {
  assert.deepEqual(await poolProcesses(tmp), [], 'nothing of any pool is left running');
  await fs.rm(tmp, { recursive: true, force: true });
});

interface Owner {
  child: ChildProcessWithoutNullStreams;
  root: string;
  next(): Promise<Record<string, string>>;
}

async function startOwner(): Promise<Owner> {
  const child = spawn(process.execPath, ['tests/helpers/pool-owner.ts'], {
    env: { ...process.env, TMPDIR: tmp },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await Promise.race([
      lines.next(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('the owner printed nothing within 90 s')), 90_000)),
    ]);
    if (r.done) throw new Error('the owner exited');
    return JSON.parse(r.value) as Record<string, string>;
  };
  const { root } = await next();
  assert.ok(root !== undefined && root.startsWith(tmp), `pool root ${root} is under the private temp directory`);
  return { child, root, next };
}

/** Live processes (any program) started from a pool's folder: the bridge, oosplash and soffice.bin. */
async function poolProcesses(marker: string): Promise<Array<{ pid: number; comm: string }>> {
  const pids = (await findProcesses(marker)).filter(isAlive);
  return Promise.all(
    pids.map(async (pid) => ({ pid, comm: (await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim() })),
  );
}

async function until(
  what: string,
  check: (ps: Array<{ pid: number; comm: string }>, root: string) => boolean,
  o: Owner,
) {
  assert.ok(
    await waitFor(async () => check(await poolProcesses(o.root + path.sep), o.root), 90_000, 10),
    `${what} within 90 s`,
  );
}

function killOwnerGroup(o: Owner): void {
  process.kill(-o.child.pid!, 'SIGKILL');
}

async function assertAllGone(o: Owner, stage: string): Promise<void> {
  const gone = await waitFor(async () => (await poolProcesses(o.root + path.sep)).length === 0, GONE_WITHIN_MS);
  assert.ok(
    gone,
    `${stage}: still running ${GONE_WITHIN_MS} ms after the owner died: ${JSON.stringify(await poolProcesses(o.root + path.sep))}`,
  );
}

const has = (comm: string) => (ps: Array<{ comm: string }>) => ps.some((p) => p.comm === comm);

test('killed after the bridge started, before it connected to soffice', async () => {
  const o = await startOwner();
  o.child.stdin.write(`${await fixture('docx', 1)}\n`);
  await until('the bridge process', (ps) => ps.some((p) => p.comm.startsWith('python')), o);
  killOwnerGroup(o);
  await assertAllGone(o, 'before connect');
});

test('killed while soffice is starting', async () => {
  const o = await startOwner();
  o.child.stdin.write(`${await fixture('docx', 1)}\n`);
  await until('soffice.bin', has('soffice.bin'), o);
  killOwnerGroup(o);
  await assertAllGone(o, 'mid-start');
});

test('killed while soffice is idle', async () => {
  const o = await startOwner();
  o.child.stdin.write(`${await fixture('docx', 1)}\n`);
  assert.ok((await o.next()).done, 'the first conversion succeeded');
  const ps = await poolProcesses(o.root + path.sep);
  assert.ok(has('soffice.bin')(ps) && has('oosplash')(ps), `soffice is running idle: ${JSON.stringify(ps)}`);
  killOwnerGroup(o);
  await assertAllGone(o, 'idle');
});

test('killed in the middle of a conversion', async () => {
  const big = await fixture('docx', 30);
  const o = await startOwner();
  o.child.stdin.write(`${await fixture('docx', 1)}\n`);
  assert.ok((await o.next()).done, 'the warm-up conversion succeeded');
  o.child.stdin.write(`${big}\n`);
  const jobs = path.join(o.root, 'jobs');
  assert.ok(
    await waitFor(async () => (await fs.readdir(jobs).catch(() => [])).length > 0, 30_000, 10),
    'the job folder appeared',
  );
  await new Promise((r) => setTimeout(r, 300)); // past copying the input: soffice is working on it
  killOwnerGroup(o);
  await assertAllGone(o, 'mid-job');
});

test('owner and bridge killed at the same moment: the next pool kills the leftover soffice and removes its folder', async () => {
  const o = await startOwner();
  o.child.stdin.write(`${await fixture('docx', 1)}\n`);
  assert.ok((await o.next()).done, 'the first conversion succeeded');
  const bridge = (await poolProcesses(o.root + path.sep)).find((p) => p.comm.startsWith('python'));
  assert.ok(bridge, 'the bridge is running');
  killOwnerGroup(o);
  process.kill(bridge.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(
    has('soffice.bin')(await poolProcesses(o.root + path.sep)),
    'with no bridge left to act, soffice.bin is still running',
  );

  const successor = await startOwner();
  try {
    await assertAllGone(o, 'after the next pool started');
    assert.ok(
      await waitFor(
        () =>
          fs.access(o.root).then(
            () => false,
            () => true,
          ),
        GONE_WITHIN_MS,
      ),
      "the dead pool's folder was removed",
    );
  } finally {
    killOwnerGroup(successor);
    await assertAllGone(successor, 'successor');
  }
});
