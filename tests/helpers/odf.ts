// Flat-ODF (.fodt / .fodp) sources with a known number of pages, from which the format fixtures are made.
export const ODF_NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
  'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:xlink="http://www.w3.org/1999/xlink"',
  'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"',
  'xmlns:ooo="http://openoffice.org/2004/office"',
  'xmlns:dom="http://www.w3.org/2001/xml-events"',
].join(' ');

const LOREM = Array.from(
  { length: 8 },
  (_, i) =>
    `Paragraph ${i + 1}. The quick brown fox jumps over the lazy dog while the five boxing wizards jump quickly; ` +
    'pack my box with five dozen liquor jugs, and sphinx of black quartz, judge my vow.',
);

/** Text document with exactly `pages` pages: one page of prose per forced page break. */
export function pagedFodt(pages: number): string {
  const body = Array.from(
    { length: pages },
    (_, i) =>
      `<text:p text:style-name="${i === 0 ? 'Standard' : 'PageBreak'}">Fixture page ${i + 1} of ${pages}</text:p>` +
      // Enough prose to make real text layout work, still well inside one page.
      LOREM.map((l) => `<text:p>${l}</text:p>`).join(''),
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${ODF_NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="PageBreak" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style>
</office:automatic-styles>
<office:body><office:text>
${body}
</office:text></office:body></office:document>
`;
}

/** Presentation with exactly `slides` slides, each with a title and a body frame. */
export function slidesFodp(slides: number): string {
  const pages = Array.from(
    { length: slides },
    (_, i) =>
      `<draw:page draw:name="slide${i + 1}" draw:master-page-name="Default">` +
      '<draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box>' +
      `<text:p>Fixture slide ${i + 1} of ${slides}</text:p></draw:text-box></draw:frame>` +
      '<draw:frame svg:x="2cm" svg:y="6cm" svg:width="24cm" svg:height="8cm"><draw:text-box>' +
      LOREM.slice(0, 4)
        .map((l) => `<text:p>${l.slice(0, 90)}</text:p>`)
        .join('') +
      '</draw:text-box></draw:frame></draw:page>',
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${ODF_NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:automatic-styles>
<style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Default" style:page-layout-name="PM1"/></office:master-styles>
<office:body><office:presentation>
${pages}
</office:presentation></office:body></office:document>
`;
}
