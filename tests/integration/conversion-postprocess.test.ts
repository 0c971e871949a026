// Post-processing of a converted PDF: small objects packed into object streams by qpdf, first-page thumbnail by pdftoppm; either step is skipped
// when its tool is missing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { inspectPdf } from '../../server/conversion/pdf-inspect.ts';
import { PACK_ABOVE_BYTES, postprocessPdf } from '../../server/conversion/postprocess.ts';
import { libreOfficeConvert, unoPool, workRoot } from '../helpers/converters.ts';
import { fixture } from '../helpers/fixtures.ts';
import { makePdf } from '../helpers/pdf.ts';

const run = promisify(execFile);
let root: string;
let pdf: string;

before(async () => {
  root = await workRoot('postprocess');
  const pool = unoPool(path.join(root, 'pool'), { size: 1 });
  try {
    await fs.mkdir(path.join(root, 'out'));
    pdf = await pool.convert({
      inputPath: await fixture('pptx', 5),
      format: 'pptx',
      outputDir: path.join(root, 'out'),
    });
  } finally {
    await pool.close();
  }
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('the page dictionaries are packed into object streams and a PNG thumbnail of page 1 is made', async () => {
  const work = path.join(root, 'pp1');
  await fs.mkdir(work);
  // This deck's PDF is small: packing is asked for at any size here (the small case: the next test).
  const out = await postprocessPdf(pdf, work, { qpdfPath: 'qpdf', pdftoppmPath: 'pdftoppm', packAboveBytes: 0 });
  assert.equal(path.dirname(out.pdfPath), work);
  assert.ok(out.times.packMs > 0, 'packed');
  const pages = (await run('qpdf', ['--show-pages', out.pdfPath])).stdout.match(/^page \d+: (\d+) 0 R/gm) ?? [];
  assert.equal(pages.length, 5);
  const xref = (await run('qpdf', ['--show-xref', out.pdfPath])).stdout;
  for (const line of pages) {
    const obj = /: (\d+) 0 R/.exec(line)![1];
    assert.match(xref, new RegExp(`^${obj}/0: compressed;`, 'm'), `page object ${obj} is in an object stream`);
  }
  assert.equal((await inspectPdf(out.pdfPath)).pageCount, 5);
  assert.ok(out.thumbnailPath);
  const png = await fs.readFile(out.thumbnailPath);
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.equal(Math.max(width, height), 320);
});

test('a small PDF with nothing active is kept as it is, unpacked; one with active content is packed and cleaned', async () => {
  const work = path.join(root, 'pp5');
  await fs.mkdir(work);
  assert.ok((await fs.stat(pdf)).size <= PACK_ABOVE_BYTES, 'the 5-slide deck makes a small PDF');
  const out = await postprocessPdf(pdf, work, { qpdfPath: 'qpdf', thumbnail: false });
  assert.equal(out.pdfPath, pdf, 'nothing to change: the converted file itself is stored');
  assert.equal(out.times.packMs, 0);
  // A small file with a document-open script: the full pass (packed, then the script removed).
  const active = path.join(root, 'active.pdf');
  await fs.writeFile(active, makePdf(5, { openActionJs: 'app.alert(1)' }));
  const cleaned = await postprocessPdf(active, work, { qpdfPath: 'qpdf', thumbnail: false });
  assert.notEqual(cleaned.pdfPath, active);
  assert.ok(cleaned.times.packMs > 0, 'packed before cleaning');
  const json = (await run('qpdf', ['--json=2', '--json-stream-data=none', cleaned.pdfPath], { maxBuffer: 1 << 26 }))
    .stdout;
  assert.doesNotMatch(json, /\/JavaScript|app\.alert/, 'the script is gone');
  assert.equal((await inspectPdf(cleaned.pdfPath)).pageCount, 5);
});

test('without qpdf the PDF is redrawn by pdftocairo, and without pdftoppm there is no thumbnail', async () => {
  // Active content is always removed: a file qpdf cannot describe (here: no qpdf at all) is redrawn, never kept as
  // it came.
  const work = path.join(root, 'pp2');
  await fs.mkdir(work);
  const out = await postprocessPdf(pdf, work, { qpdfPath: 'pagetrail-no-qpdf', pdftoppmPath: 'pagetrail-no-pdftoppm' });
  assert.equal(out.thumbnailPath, null);
  assert.notEqual(out.pdfPath, pdf, 'the stored copy is the redrawn one');
  assert.equal((await inspectPdf(out.pdfPath)).pageCount, (await inspectPdf(pdf)).pageCount);
});

test('with neither qpdf nor pdftocairo the PDF is refused, not stored unchecked', async () => {
  const work = path.join(root, 'pp4');
  await fs.mkdir(work);
  await assert.rejects(
    postprocessPdf(pdf, work, {
      qpdfPath: 'pagetrail-no-qpdf',
      pdftoppmPath: path.join(root, 'no-such-dir', 'pdftoppm'),
    }),
  );
});

test('the fallback adapter output post-processes the same way', async () => {
  const lo = libreOfficeConvert(path.join(root, 'lo'));
  try {
    await fs.mkdir(path.join(root, 'out2'));
    const other = await lo.convert({
      inputPath: await fixture('docx', 3),
      format: 'docx',
      outputDir: path.join(root, 'out2'),
    });
    const work = path.join(root, 'pp3');
    await fs.mkdir(work);
    const out = await postprocessPdf(other, work, { qpdfPath: 'qpdf' });
    assert.equal((await inspectPdf(out.pdfPath)).pageCount, 3);
    assert.ok(out.thumbnailPath);
  } finally {
    await lo.close();
  }
});
