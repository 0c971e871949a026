// The real entry point: boots from the environment, serves, refuses bad configuration, stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, exited, output: () => out };
}

it('serves on a random port and exits 0 on SIGTERM', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-main-'));
  const p = run({
    DATA_DIR: dataDir,
    PORT: '0',
    SMTP_RELAY_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    CONVERTER: 'libreoffice-convert',
  });
  let port = 0;
  // Bounded well past a cold Node start on a loaded machine.
  for (const deadline = Date.now() + 60_000; !port && Date.now() < deadline && p.child.exitCode === null; ) {
    const m = /"port":(\d+)/.exec(p.output());
    if (m) port = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(port > 0, p.output());
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0);
  assert.match(p.output(), /"msg":"stopped"/);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('reports every configuration problem at once and exits 2', async () => {
  const p = run({ PORT: 'eighty', MAX_UPLOAD_BYTES: '-1', CONVERTER: 'magic' });
  assert.equal(await p.exited, 2);
  for (const name of ['PORT', 'MAX_UPLOAD_BYTES', 'CONVERTER']) assert.match(p.output(), new RegExp(name));
});
