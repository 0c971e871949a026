// Controls for the hardening tests: the same linked documents, converted by a LibreOffice with a default
// profile, do reach the canary; the same macro document, opened where macros are allowed, does run its macro.
// Without these, "no request reached the canary" and "the macro never runs" could pass for the wrong reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { type Canary, startCanary } from '../helpers/canary.ts';
import { officeEnv, seedProfile } from '../../server/conversion/profile.ts';
import { workRoot } from '../helpers/converters.ts';
import { BEFORE, imageDocx, imageFodt, imageOdt, macroOdt } from '../helpers/documents.ts';
import { pdfImageCount, pdfText } from '../helpers/pdf-contents.ts';
import { officeProcesses } from '../helpers/processes.ts';

const run = promisify(execFile);
let canary: Canary;
let root: string;

before(async () => {
  canary = await startCanary();
  root = await workRoot('control');
});
after(async () => {
  await canary.close();
  assert.deepEqual(await officeProcesses(root), [], 'no soffice.bin left behind');
  await fs.rm(root, { recursive: true, force: true });
});

for (const [format, make] of [
  ['docx', imageDocx],
  ['odt', imageOdt],
  ['fodt', imageFodt],
] as const) {
  test(`control: an unhardened soffice fetches the linked image of the ${format}`, async () => {
    const dir = path.join(root, format);
    await fs.mkdir(dir);
    const input = path.join(dir, `linked.${format}`);
    await fs.writeFile(input, make({ kind: 'linked', href: canary.url(`/control/${format}.png`) }));
    const before = canary.requests.length;
    await run(
      process.env.SOFFICE_PATH ?? 'soffice',
      [
        `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        input,
      ],
      { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir } },
    );
    assert.ok(
      canary.requests.slice(before).some((r) => r.includes(`/control/${format}.png`)),
      'the canary saw the fetch',
    );
    assert.equal(await pdfImageCount(path.join(dir, 'linked.pdf')), 1, 'and the fetched image is in the PDF');
  });
}

const SOFFICE = process.env.SOFFICE_PATH ?? 'soffice';
const PYTHON = process.env.CONVERT_PYTHON_PATH ?? '/usr/bin/python3';
const OPENER = fileURLToPath(new URL('../helpers/uno-open.py', import.meta.url));
const ALWAYS_EXECUTE_NO_WARN = 4; // css.document.MacroExecMode

/** A profile in which every macro may run without asking: the opposite of the hardened one. */
async function macrosAllowedProfile(dir: string): Promise<string> {
  const prop = (name: string, type: string, value: string) =>
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">' +
    `<prop oor:name="${name}" oor:op="fuse" oor:type="${type}"><value>${value}</value></prop></item>`;
  await fs.mkdir(path.join(dir, 'user'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'user', 'registrymodifications.xcu'),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
${prop('MacroSecurityLevel', 'xs:int', '0')}
${prop('DisableMacrosExecution', 'xs:boolean', 'false')}
</oor:items>
`,
  );
  return pathToFileURL(dir).href;
}

/**
 * Opens the macro document in a visible frame (document events only fire there; both adapters load hidden)
 * and asks for every macro to run, so only the profile decides. Returns whether the macro wrote its marker.
 */
async function openMacroDocument(name: string, profile: (dir: string) => Promise<string>): Promise<boolean> {
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  const marker = path.join(dir, 'macro-ran.txt');
  const input = path.join(dir, 'macro.odt');
  await fs.writeFile(input, macroOdt(marker));
  const output = path.join(dir, 'macro.pdf');
  await run(
    PYTHON,
    [
      OPENER,
      SOFFICE,
      await profile(path.join(dir, 'profile')),
      `pagetrail-control-${name}-${process.pid}`,
      input,
      output,
      String(ALWAYS_EXECUTE_NO_WARN),
    ],
    { timeout: 90_000, env: officeEnv(dir, dir) },
  );
  assert.match(await pdfText(output), new RegExp(BEFORE), 'the document itself opened and converted');
  await new Promise((r) => setTimeout(r, 500)); // give a started macro time to write
  return fs.readFile(marker, 'utf8').then(
    (text) => text.includes('macro ran'),
    () => false,
  );
}

test('control: where macros are allowed, opening the macro document runs its on-load macro', async () => {
  assert.equal(await openMacroDocument('macro-allowed', macrosAllowedProfile), true, 'the marker file was written');
});

test('the hardened profile alone stops the same on-load macro, even when the caller asks to run every macro', async () => {
  assert.equal(await openMacroDocument('macro-hardened', seedProfile), false, 'no marker file');
});
