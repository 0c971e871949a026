// The dynamic watermark: who reads (the verified address, else the link's recipient), when, and from which
// address. The reader overlays it on every page; downloads are stamped with it here (pdf-lib), on every page.
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib';

export function watermarkText(who: string | null, ip: string, at = new Date()): string {
  const when = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  // The standard fonts encode WinAnsi only: other characters become '?' rather than failing the stamp.
  return [who ?? 'Unnamed reader', when, ip || 'unknown address'].join(' · ');
}

const winAnsi = (s: string) => s.replace(/[^\x20-\x7e\u00a0-\u00ff\u00b7]/g, '?');

/** The PDF with `text` drawn across every page (diagonally, light, three times) and once along the bottom. */
export async function stampPdf(pdf: Uint8Array, text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const line = winAnsi(text);
  for (const page of doc.getPages()) {
    const { width, height } = page.getSize();
    const size = Math.max(8, Math.min(width, height) / 28);
    const lineWidth = font.widthOfTextAtSize(line, size);
    for (const f of [0.25, 0.5, 0.75]) {
      page.drawText(line, {
        x: width / 2 - (lineWidth / 2) * Math.SQRT1_2,
        y: height * f - (lineWidth / 2) * Math.SQRT1_2,
        size,
        font,
        color: rgb(0.75, 0.1, 0.1),
        opacity: 0.22,
        rotate: degrees(45),
      });
    }
    page.drawText(line, { x: 12, y: 10, size: Math.max(6, size / 2), font, color: rgb(0.4, 0.4, 0.4), opacity: 0.8 });
  }
  return doc.save({ useObjectStreams: true });
}
