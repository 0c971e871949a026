// The in-memory scan that lets a PDF LibreOffice wrote skip qpdf's active-content pass: each kind of active content
// beside the same file without it, links by scheme, escaped names, what the scan cannot see into (object streams,
// encryption), and the corpus's PDFs checked against qpdf's own reading of their objects.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { hasActiveContent } from '../../server/conversion/active-content.ts';
import { scanActiveContent, scanPdfFile } from '../../server/conversion/active-scan.ts';
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { makePdf } from '../helpers/pdf.ts';

const run = promisify(execFile);
const plain = makePdf(2).toString('latin1');
/** The plain file with `extra` added to its catalog dictionary. */
const withCatalog = (extra: string) =>
  Buffer.from(plain.replace('/Type /Catalog', `/Type /Catalog ${extra}`), 'latin1');
const scan = (extra: string) => scanActiveContent(withCatalog(extra));

describe('active-content scan', () => {
  it('a plain PDF is inactive; the same with each kind of active content needs the full pass', () => {
    assert.equal(scanActiveContent(Buffer.from(plain, 'latin1')), 'inactive');
    assert.equal(scanActiveContent(makePdf(2, { openActionJs: 'app.alert(1)' })), 'needs-full-pass');
    for (const extra of [
      '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>',
      '/AA << /WC 9 0 R >>',
      '/Names << /JavaScript 9 0 R >>',
      '/Names << /EmbeddedFiles 9 0 R >>',
      '/OpenAction << /S /Launch /F (calc.exe) >>',
      '/X << /Type /EmbeddedFile >>',
      '/X << /Subtype /RichMedia >>',
      '/AcroForm << /XFA 9 0 R >>',
      '/X << /S /SubmitForm /F (https://example.org) >>',
      '/X << /S /GoToR /F (other.pdf) >>',
      '/X << /S /ImportData /F (x.fdf) >>',
    ])
      assert.equal(scan(extra), 'needs-full-pass', extra);
  });

  it('an /OpenAction that only opens at a page (as LibreOffice writes it) is inactive; one with an action is not', () => {
    assert.equal(scan('/OpenAction[4 0 R /XYZ null null 0]'), 'inactive');
    assert.equal(scan('/OpenAction [4 0 R /Fit]'), 'inactive');
    assert.equal(scan('/OpenAction 9 0 R'), 'needs-full-pass', 'an indirect action');
    assert.equal(scan('/OpenAction << /S /GoTo /D [4 0 R /Fit] >>'), 'needs-full-pass');
    assert.equal(scan('/OpenAction[4 0 R /XYZ null null 0] /AA << >>'), 'needs-full-pass');
  });

  it('a name spelt with #xx escapes is read as a reader reads it', () => {
    assert.equal(scan('/X << /S /Java#53cript /J#53 (app.alert(1)) >>'), 'needs-full-pass');
    assert.equal(scan('/X << /A#41 9 0 R >>'), 'needs-full-pass');
    // An escape that spells a harmless name stays harmless.
    assert.equal(scan('/X#59 true'), 'inactive');
  });

  it('links: plain http(s) and mailto targets are inactive; script schemes and targets it cannot read are not', () => {
    const link = (uri: string) => scan(`/X << /S /URI /URI ${uri} >>`);
    assert.equal(link('(https://example.org/a?b=c)'), 'inactive');
    assert.equal(link('(mailto:someone@example.org)'), 'inactive');
    assert.equal(link('(javascript:alert(1))'), 'needs-full-pass');
    assert.equal(link('(JavaScript:alert)'), 'needs-full-pass');
    assert.equal(link('( javascript:alert)'), 'needs-full-pass');
    assert.equal(link('(data:text/html,x)'), 'needs-full-pass');
    assert.equal(link('(file:///etc/passwd)'), 'needs-full-pass');
    assert.equal(link('(\\152avascript:alert)'), 'needs-full-pass', 'an octal escape');
    assert.equal(link('<6a6176617363726970743a616c657274>'), 'needs-full-pass', 'a hex string');
    assert.equal(link('9 0 R'), 'needs-full-pass', 'an indirect string');
    assert.equal(link('(relative/page.html)'), 'needs-full-pass', 'no scheme: left to the full pass');
  });

  it('what the scan cannot see into needs the full pass: object streams, encryption, not a PDF', async () => {
    assert.equal(scan('/X << /Type /ObjStm /N 3 /First 10 >>'), 'needs-full-pass');
    assert.equal(scan('/Encrypt 9 0 R'), 'needs-full-pass');
    assert.equal(scanActiveContent(Buffer.from('<html>not a pdf</html>')), 'needs-full-pass');
    // A real file whose script qpdf moved into a compressed object stream, and the same file without a script.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagetrail-scan-'));
    try {
      for (const [name, bytes] of [
        ['active', makePdf(2, { openActionJs: 'app.alert(1)' })],
        ['plain', makePdf(2)],
      ] as const) {
        const src = path.join(dir, `${name}.pdf`);
        const packed = path.join(dir, `${name}-packed.pdf`);
        fs.writeFileSync(src, bytes);
        await run('qpdf', ['--object-streams=generate', '--compress-streams=y', '--', src, packed]);
        assert.doesNotMatch(fs.readFileSync(packed, 'latin1'), /\/JavaScript/, `${name}: the script is out of sight`);
        assert.equal(await scanPdfFile(packed), 'needs-full-pass', `${name}: packed into object streams`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random binary stream data does not trip the scan', () => {
    assert.equal(scanActiveContent(makePdf(3, { padBytes: 100_000 })), 'inactive');
  });

  it("the corpus: every PDF the scan calls inactive has nothing qpdf's pass would change; the active ones are caught", async () => {
    const pdfs = fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.pdf'));
    assert.ok(pdfs.length >= 10, `corpus PDFs found in ${CORPUS_DIR}`);
    const opts = { qpdfPath: 'qpdf', pdftocairoPath: 'pdftocairo' };
    let inactive = 0;
    for (const f of pdfs) {
      const file = path.join(CORPUS_DIR, f);
      if ((await scanPdfFile(file)) !== 'inactive') continue;
      inactive++;
      assert.equal(await hasActiveContent(file, opts), false, `${f}: called inactive, but qpdf's pass finds something`);
    }
    assert.ok(inactive >= 3, `some corpus PDFs are plainly inactive (${inactive})`);
    for (const f of [
      'tika__testPDF_jsActionOnPage.pdf',
      'tika__testPDF_childAttachments.pdf',
      'tika__testPDF_XFA_govdocs1_258578.pdf',
    ])
      assert.equal(await scanPdfFile(path.join(CORPUS_DIR, f)), 'needs-full-pass', f);
  });
});
