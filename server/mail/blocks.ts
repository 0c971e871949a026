// What replaces an attachment in a copy: a clean block per document in the HTML part, name and link lines in the
// text part. The HTML is pure ASCII (non-ASCII as character references), so it fits any charset and encoding.

export interface LinkedDocument {
  name: string;
  url: string;
  thumbnailUrl: string;
  pageCount: number | null;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escaped, with every non-ASCII character as a numeric reference. */
function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c] ?? c).replace(/[^\x20-\x7e]/gu, (c) => `&#${c.codePointAt(0)};`);
}

const pages = (n: number | null) => (n === null ? '' : `${n} page${n === 1 ? '' : 's'}`);

export function htmlBlock(docs: LinkedDocument[], eol: string): string {
  const rows = docs.map((d) =>
    [
      '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border:1px solid #d9dde3;border-radius:8px;margin:12px 0;max-width:480px;width:100%;font-family:Arial,Helvetica,sans-serif;">',
      '<tr>',
      `<td width="96" style="padding:12px;vertical-align:top;"><a href="${html(d.url)}"><img src="${html(d.thumbnailUrl)}" width="80" alt="" style="display:block;width:80px;border:1px solid #e5e7eb;border-radius:4px;"></a></td>`,
      '<td style="padding:12px 12px 12px 0;vertical-align:top;">',
      `<div style="font-size:15px;font-weight:bold;color:#111827;word-break:break-word;">${html(d.name)}</div>`,
      d.pageCount === null
        ? ''
        : `<div style="font-size:13px;color:#6b7280;margin-top:2px;">${pages(d.pageCount)}</div>`,
      `<a href="${html(d.url)}" style="display:inline-block;margin-top:10px;padding:8px 14px;background:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px;font-size:14px;">View document</a>`,
      '</td>',
      '</tr>',
      '</table>',
    ]
      .filter(Boolean)
      .join(eol),
  );
  return `${eol}<div class="pagetrail-documents">${eol}${rows.join(eol)}${eol}</div>${eol}`;
}

/** Lines for the text part; `ascii` folds names for a part whose charset cannot carry them. */
export function textBlock(docs: LinkedDocument[], eol: string, ascii: boolean): string {
  const name = (s: string) => (ascii ? s.normalize('NFKD').replace(/[^\x20-\x7e]/g, '?') : s);
  const lines = docs.map(
    (d) => `${name(d.name)}${d.pageCount === null ? '' : ` (${pages(d.pageCount)})`}${eol}View document: ${d.url}`,
  );
  return `${eol}${eol}${lines.join(eol + eol)}`;
}

/** The HTML with the block before its closing </body> (or at the end). */
export function insertHtml(body: string, block: string): string {
  const at = body.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return at < 0 ? body + block : body.slice(0, at) + block + body.slice(at);
}
