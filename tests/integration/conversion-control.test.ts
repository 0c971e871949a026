// Controls for the hardening tests: the same linked documents, converted by a LibreOffice with a default
// profile, do reach the canary. Without this, "no request reached the canary" could pass for the wrong reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { type Canary, startCanary } from '../helpers/canary.ts';
import { workRoot } from '../helpers/converters.ts';
import { imageDocx, imageFodt, imageOdt } from '../helpers/documents.ts';
import { pdfImageCount } from '../helpers/pdf-contents.ts';

const run = promisify(execFile);
let canary: Canary;
let root: string;

before(async () => {
  canary = await startCanary();
  root = await workRoot('control');
});
after(async () => {
  await canary.close();
  await fs.rm(root, { recursive: true, force: true });
});

for (const [format, make] of [['docx', imageDocx], ['odt', imageOdt], ['fodt', imageFodt]] as const) {
  test(`control: an unhardened soffice fetches the linked image of the ${format}`, async () => {
    const dir = path.join(root, format);
    await fs.mkdir(dir);
    const input = path.join(dir, `linked.${format}`);
    await fs.writeFile(input, make({ kind: 'linked', href: canary.url(`/control/${format}.png`) }));
    const before = canary.requests.length;
    await run(process.env.SOFFICE_PATH ?? 'soffice', [`-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
      '--headless', '--convert-to', 'pdf', '--outdir', dir, input], { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir } });
    assert.ok(canary.requests.slice(before).some((r) => r.includes(`/control/${format}.png`)), 'the canary saw the fetch');
    assert.equal(await pdfImageCount(path.join(dir, 'linked.pdf')), 1, 'and the fetched image is in the PDF');
  });
}
