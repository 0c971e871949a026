// Makes small, valid PDFs for tests: N pages of text, optionally with a JavaScript /OpenAction.

export interface PdfOptions {
  /** Text drawn on page i (1-based). */
  text?: (page: number) => string;
  /** Adds a document-level JavaScript action that a scripting viewer would run on open. */
  openActionJs?: string;
  /** Page size in points (default A4 portrait). */
  size?: [number, number];
  /** Extra bytes of incompressible padding per page (to make big files). */
  padBytes?: number;
}

const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);

export function makePdf(pages: number, opts: PdfOptions = {}): Buffer {
  const [w, h] = opts.size ?? [595, 842];
  const objs: (string | Buffer)[] = [];
  const add = (body: string | Buffer) => objs.push(body);
  // 1 catalog, 2 pages, 3 font, then per page: page + content (+ padding stream)
  const perPage = opts.padBytes ? 3 : 2;
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * perPage);
  const jsId = 4 + pages * perPage;
  add(`<< /Type /Catalog /Pages 2 0 R${opts.openActionJs ? ` /OpenAction ${jsId} 0 R` : ''} >>`);
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 1; i <= pages; i++) {
    const id = pageIds[i - 1]!;
    const text = opts.text?.(i) ?? `Page ${i} of ${pages}`;
    const stream = `BT /F1 36 Tf 72 ${h - 120} Td (${esc(text)}) Tj ET\nBT /F1 14 Tf 72 ${h - 160} Td (Pagetrail test document) Tj ET`;
    const xobj = opts.padBytes ? ` /XObject << /Pad ${id + 2} 0 R >>` : '';
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /Font << /F1 3 0 R >>${xobj} >> /Contents ${id + 1} 0 R >>`,
    );
    add(`<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`);
    if (opts.padBytes) {
      // xorshift32 per page: deterministic, and really incompressible (a multiplicative hash of j was not, so
      // qpdf's stream compression at ingest shrank "big" files about 35 times).
      const pad = Buffer.alloc(opts.padBytes);
      let x = Math.imul(i, 2654435761) >>> 0 || 1;
      for (let j = 0; j < pad.length; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        pad[j] = x & 0xff;
      }
      add(
        Buffer.concat([
          Buffer.from(
            `<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${pad.length} >>\nstream\n`,
          ),
          pad,
          Buffer.from('\nendstream'),
        ]),
      );
    }
  }
  if (opts.openActionJs) add(`<< /Type /Action /S /JavaScript /JS (${esc(opts.openActionJs)}) >>`);

  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objs.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`),
      Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
      Buffer.from('\nendobj\n'),
    ]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref = [
    `xref\n0 ${objs.length + 1}\n`,
    '0000000000 65535 f \n',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ].join('');
  parts.push(
    Buffer.from(`${xref}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'),
  );
  return Buffer.concat(parts);
}

/** A PDF with `pages` pages made cheaply. By default one page object that the page tree lists `pages` times (about
 * 6 bytes a page); `distinct`: a page object per page, all drawing one shared content stream (about 120 bytes a
 * page; pdf.js reads every one of them, which is what made such a file hold the event loop). */
export function manyPagePdf(pages: number, opts: { distinct?: boolean } = {}): Buffer {
  const content = 'BT /F1 12 Tf 10 10 Td (x) Tj ET';
  const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  const kids: string[] = [];
  if (opts.distinct) {
    for (let i = 0; i < pages; i++) kids.push(`${objs.push(page)} 0 R`);
  } else {
    kids.push(`${objs.push(page)} 0 R `.repeat(pages));
  }
  objs[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  const parts = ['%PDF-1.7\n'];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objs.forEach((body, i) => {
    offsets.push(length);
    const chunk = `${i + 1} 0 obj\n${body}\nendobj\n`;
    parts.push(chunk);
    length += chunk.length;
  });
  parts.push(`xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`);
  parts.push(offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join(''));
  parts.push(`trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}
