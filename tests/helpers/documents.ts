// Hand-written documents for the hardening tests: an image that is embedded or linked, local-file links,
// and an on-load macro. Written byte by byte so the test controls exactly what the file references.
import { ODF_NS } from './odf.ts';
import { png, zip } from './zip.ts';

export const IMAGE = png(64, 64, [200, 30, 30]);
export const BEFORE = 'HARDENING-BEFORE-MARKER';
export const AFTER = 'HARDENING-AFTER-MARKER';

/** embedded: the picture travels inside the file; linked: only a URL (http canary or file://) is stored. */
export type ImageSource = { kind: 'embedded' } | { kind: 'linked'; href: string };

/** Every local-file reference a linked document carries in addition to its image link. */
export const LOCAL_FILE = 'file:///etc/passwd';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function odfBody(image: ImageSource, embeddedHref: string | null): string {
  const imageEl =
    image.kind === 'linked'
      ? `<draw:image xlink:href="${esc(image.href)}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>`
      : embeddedHref
        ? `<draw:image xlink:href="${embeddedHref}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>`
        : `<draw:image><office:binary-data>${IMAGE.toString('base64')}</office:binary-data></draw:image>`;
  // A linked document also carries text sections whose source is the same URL and a local file: updated,
  // they would pull that content into the PDF.
  const sections =
    image.kind === 'linked'
      ? [image.href, LOCAL_FILE]
          .map(
            (href, i) =>
              `<text:section text:name="Linked${i}"><text:section-source xlink:href="${esc(href)}" xlink:type="simple" text:filter-name="Text"/>` +
              '<text:p>cached section text</text:p></text:section>',
          )
          .join('\n')
      : '';
  return `<office:body><office:text>
<text:p>${BEFORE}</text:p>
<text:p><draw:frame draw:name="Picture1" text:anchor-type="as-char" svg:width="3cm" svg:height="3cm">${imageEl}</draw:frame></text:p>
${sections}
<text:p>${AFTER}</text:p>
</office:text></office:body>`;
}

export function imageFodt(image: ImageSource): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<office:document ${ODF_NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
${odfBody(image, null)}
</office:document>
`);
}

function odtPackage(content: string, extra: ReadonlyArray<readonly [string, string | Buffer, string]>): Buffer {
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
${extra.map(([p, , type]) => `<manifest:file-entry manifest:full-path="${p}" manifest:media-type="${type}"/>`).join('\n')}
</manifest:manifest>`;
  return zip([
    ['mimetype', 'application/vnd.oasis.opendocument.text'],
    ['content.xml', content],
    ...extra.map(([p, data]) => [p, data] as const),
    ['META-INF/manifest.xml', manifest],
  ]);
}

export function imageOdt(image: ImageSource): Buffer {
  const content = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${ODF_NS} office:version="1.3">
${odfBody(image, 'Pictures/image1.png')}
</office:document-content>`;
  return odtPackage(content, image.kind === 'embedded' ? [['Pictures/image1.png', IMAGE, 'image/png']] : []);
}

const W_NS =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' +
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ' +
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ' +
  'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"';

export function imageDocx(image: ImageSource): Buffer {
  const blip = image.kind === 'linked' ? '<a:blip r:link="rIdImg"/>' : '<a:blip r:embed="rIdImg"/>';
  const drawing =
    '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="1080000" cy="1080000"/>' +
    '<wp:docPr id="1" name="Picture 1"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">' +
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr>' +
    `<pic:blipFill>${blip}<a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1080000" cy="1080000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>' +
    '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>';
  const para = (inner: string) => `<w:p>${inner}</w:p>`;
  const text = (t: string) => `<w:r><w:t xml:space="preserve">${esc(t)}</w:t></w:r>`;
  // Linked variant: Word fields that pull in a file or a picture by URL when updated.
  const fields =
    image.kind === 'linked'
      ? [`INCLUDETEXT "${LOCAL_FILE}"`, 'INCLUDETEXT "/etc/passwd"', `INCLUDEPICTURE "${image.href}" \\d`]
          .map((instr) => para(`<w:fldSimple w:instr=" ${esc(instr)} ">${text('cached field result')}</w:fldSimple>`))
          .join('')
      : '';
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ${W_NS}><w:body>${para(text(BEFORE))}${para(drawing)}${fields}${para(text(AFTER))}</w:body></w:document>`;
  const target =
    image.kind === 'linked' ? `Target="${esc(image.href)}" TargetMode="External"` : 'Target="media/image1.png"';
  const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" ${target}/>
</Relationships>`;
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;
  return zip([
    ['[Content_Types].xml', types],
    ['_rels/.rels', rels],
    ['word/document.xml', document],
    ['word/_rels/document.xml.rels', docRels],
    ...(image.kind === 'embedded' ? [['word/media/image1.png', IMAGE] as const] : []),
  ]);
}

/**
 * An ODT whose "Open Document" event runs a Basic macro that writes `markerPath`. The event and script markup
 * match what LibreOffice 7.4 writes when it saves such a document; conversion-control.test.ts shows the macro
 * does run where macros are allowed.
 */
export function macroOdt(markerPath: string): Buffer {
  const content = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${ODF_NS} office:version="1.3">
<office:scripts><office:event-listeners>
<script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:type="simple" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>
</office:event-listeners></office:scripts>
<office:body><office:text><text:p>${BEFORE}</text:p></office:text></office:body>
</office:document-content>`;
  const module = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main
  Open "${markerPath}" For Output As #1
  Print #1, "macro ran"
  Close #1
End Sub
</script:module>`;
  const lc = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" library:link="false"/></library:libraries>`;
  const lb = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false"><library:element library:name="Module1"/></library:library>`;
  return odtPackage(content, [
    ['Basic/script-lc.xml', lc, 'text/xml'],
    ['Basic/Standard/script-lb.xml', lb, 'text/xml'],
    ['Basic/Standard/Module1.xml', module, 'text/xml'],
  ]);
}
