// Password-protected Office files are refused at upload as file_encrypted, before any conversion: real files that
// LibreOffice itself saved with a password (Word 97-2003: the FIB's encryption flag; ODF: encryption-data in the
// manifest). Encrypted PowerPoint and OOXML are covered by the corpus run (LibreOffice cannot write those).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { startApp, type TestApp, type TestSender } from '../helpers/app.ts';
import { fixture } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/wait.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../helpers/encrypt-office.py', import.meta.url));

let t: TestApp;
let s: TestSender;
let dir: string;
const made: Record<string, string> = {};

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-encrypted-'));
  const text = await fixture('fodt', 1);
  const slides = await fixture('fodp', 1);
  const jobs: Array<[string, string, string]> = [
    [text, 'doc', 'MS Word 97'],
    [text, 'odt', 'writer8'],
    [slides, 'odp', 'impress8'],
  ];
  const args = jobs.flatMap(([src, ext, filter]) => [src, (made[ext] = path.join(dir, `locked.${ext}`)), filter]);
  await run(
    process.env.CONVERT_PYTHON_PATH ?? '/usr/bin/python3',
    [SCRIPT, process.env.SOFFICE_PATH ?? 'soffice', path.join(dir, 'profile'), 'secret', ...args],
    { timeout: 240_000 },
  );
  t = await startApp();
  s = await t.sender();
});
after(async () => {
  await t.close();
  await fs.rm(dir, { recursive: true, force: true });
});

for (const ext of ['doc', 'odt', 'odp']) {
  it(`refuses a password-protected .${ext} at once with 422 file_encrypted`, async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await fs.readFile(made[ext]!))]), `locked.${ext}`);
    const res = await fetch(`${t.url}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}` },
      body: form,
    });
    const body = (await res.json()) as { code?: string; message?: string; error?: { code: string } };
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(body.code ?? body.error?.code, 'file_encrypted');
    assert.match(JSON.stringify(body), /password/i, 'the message says why');
    const list = (await (
      await fetch(`${t.url}/api/documents`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as { documents: unknown[] };
    assert.equal(list.documents.length, 0, 'no document was created');
    // The upload's temp file is removed as the refusal goes out, not necessarily before the client reads it.
    await eventually(async () => (await t.tempFiles()).length === 0, 20_000, "the refused upload's temp file removed");
  });
}
