// Hole 10 (rest): uploaded PDFs lose their active content in the stored copy: JavaScript (document open action,
// the /JavaScript name tree, page and field triggers), /Launch, javascript: links and embedded files; links to web
// pages and the text stay. Crafted with pdf-lib, and real hostile files from the shared corpus.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { corpusAvailable, corpusFile } from '../helpers/corpus.ts';
import { pdfText } from '../helpers/pdf-contents.ts';

const run = promisify(execFile);
const ACTIVE = ['/JavaScript', '/JS', '/Launch', '/EmbeddedFile', '/EmbeddedFiles', '/AA', '/EF', '/XFA'];

let t: TestApp;
let alice: TestSender;
before(async () => {
  t = await startApp();
  alice = await t.sender();
});
after(async () => t.close());

/** Every dictionary key and name value in the file's objects (qpdf's JSON, streams left out). */
async function namesIn(file: string): Promise<Set<string>> {
  const { stdout } = await run('qpdf', ['--json=2', '--json-key=qpdf', '--json-stream-data=none', '--', file], {
    maxBuffer: 256 * 1024 * 1024,
  }).catch((e: { code?: number; stdout?: string }) =>
    e.code === 3 && e.stdout ? { stdout: e.stdout } : Promise.reject(e),
  );
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.startsWith('/')) found.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('/')) found.add(k);
        walk(x);
      }
  };
  walk((JSON.parse(stdout) as { qpdf: unknown[] }).qpdf[1]);
  return found;
}

const storedPdf = (id: string) => path.join(t.dataDir, 'blobs', 'docs', id, 'document.pdf');

/** A PDF with every kind of active content we remove, and a plain web link that must stay. */
async function hostilePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('Quarterly figures', { x: 72, y: 760, size: 24, font });
  const ctx = doc.context;
  const js = (code: string) => ctx.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(code) });
  doc.catalog.set(PDFName.of('OpenAction'), ctx.register(js('app.alert("open")')));
  doc.catalog.set(PDFName.of('AA'), ctx.obj({ WC: ctx.register(js('app.alert("close")')) }));
  const names = ctx.obj({ Names: [PDFString.of('init'), ctx.register(js('app.launchURL("https://evil.example")'))] });
  doc.catalog.set(PDFName.of('Names'), ctx.obj({ JavaScript: ctx.register(names) }));
  page.node.set(PDFName.of('AA'), ctx.obj({ O: ctx.register(js('this.print()')) }));
  const annot = (action: PDFDict, y: number) =>
    ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [72, y, 300, y + 20], Border: [0, 0, 0], A: action }));
  const annots = ctx.obj([
    annot(ctx.obj({ S: 'Launch', F: PDFString.of('cmd.exe'), Win: ctx.obj({ F: PDFString.of('cmd.exe') }) }), 700),
    annot(ctx.obj({ S: 'URI', URI: PDFString.of('javascript:alert(1)') }), 660),
    annot(ctx.obj({ S: 'URI', URI: PDFString.of('https://example.org/pricing') }), 620),
  ]) as PDFArray;
  page.node.set(PDFName.of('Annots'), annots);
  await doc.attach(Buffer.from('MZ this would be an executable'), 'setup.exe', {
    mimeType: 'application/octet-stream',
  });
  return Buffer.from(await doc.save());
}

describe('active content in uploaded PDFs', () => {
  it('a crafted PDF is stored without scripts, launch actions, script links or embedded files', async () => {
    const original = await hostilePdf();
    const tmp = path.join(t.dataDir, 'crafted.pdf');
    fs.writeFileSync(tmp, original);
    const before = await namesIn(tmp);
    for (const n of ['/JavaScript', '/JS', '/Launch', '/EmbeddedFile', '/EmbeddedFiles', '/AA'])
      assert.ok(before.has(n), `the crafted file has ${n} (else the test proves nothing)`);

    const id = await uploadReady(t, alice.token, original, 'Figures.pdf');
    const names = await namesIn(storedPdf(id));
    assert.deepEqual(
      ACTIVE.filter((n) => names.has(n)),
      [],
      'no active content left',
    );
    const raw = fs.readFileSync(storedPdf(id), 'latin1');
    assert.ok(!raw.includes('MZ this would be'), 'the attachment bytes are gone');
    // What is not active stays: the text and the web link.
    assert.match(await pdfText(storedPdf(id)), /Quarterly figures/);
    assert.ok(names.has('/URI'), 'the https link is kept');
  });

  it('a plain PDF is stored with its content and no rewrite of what was not there', async () => {
    const doc = await PDFDocument.create();
    doc
      .addPage()
      .drawText('Nothing active here', { x: 72, y: 700, font: await doc.embedFont(StandardFonts.Helvetica) });
    const id = await uploadReady(t, alice.token, Buffer.from(await doc.save()), 'Plain.pdf');
    assert.match(await pdfText(storedPdf(id)), /Nothing active here/);
  });

  const hostile = [
    'tika__testPDF_jsActionOnPage.pdf',
    'pdfjs__issue6106.pdf',
    'pdfjs__160F-2019.pdf',
    'tika__testPDF_childAttachments.pdf',
    'tika__testPDF_XFA_govdocs1_258578.pdf',
  ];
  for (const name of hostile) {
    it(`corpus: ${name} is stored without active content`, { skip: !corpusAvailable() && 'no corpus' }, async () => {
      const file = corpusFile(`docs/${name}`);
      const before = await namesIn(file);
      assert.ok(
        ACTIVE.some((n) => before.has(n)),
        `${name} has active content to begin with`,
      );
      const id = await uploadReady(t, alice.token, fs.readFileSync(file), name);
      const names = await namesIn(storedPdf(id));
      assert.deepEqual(
        ACTIVE.filter((n) => names.has(n)),
        [],
        `${name}: active content left`,
      );
    });
  }
});
