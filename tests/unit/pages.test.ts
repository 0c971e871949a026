// The server-rendered pages: everything interpolated is escaped; no inline script or style (the CSP forbids them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardPage, escapeHtml, readerPage, unavailablePage } from '../../server/http/pages.ts';

const hostile = `"><script>alert(1)</script><img src=x onerror='x'>`;

function assertNoInlineCode(page: string): void {
  // Look at the markup only: quoted attribute values and text content are data, not code.
  const html = page.replace(/"[^"]*"/g, '""').replace(/>[^<]*</g, '><');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /<style/i, 'no <style>');
  assert.doesNotMatch(html, /\sstyle=/i, 'no style attributes');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
}

describe('pages', () => {
  it('escapes the title and token in the reader page and passes data in data-* attributes', () => {
    const html = readerPage({ title: hostile, token: `t"<>&'`, pageCount: 12, allowDownload: true, documentId: 'd"1' });
    assert.ok(!html.includes('<script>alert'));
    assert.ok(!html.includes("onerror='x'"));
    assert.ok(html.includes(escapeHtml(hostile)));
    assert.match(html, /data-token="t&quot;&lt;&gt;&amp;&#39;"/);
    assert.match(html, /data-page-count="12"/);
    assert.match(html, /data-document-id="d&quot;1"/);
    assertNoInlineCode(html);
  });

  it('shows the download button only when allowed', () => {
    const input = { title: 'Doc', token: 'abc', pageCount: 3, documentId: 'd1' };
    assert.match(readerPage({ ...input, allowDownload: true }), /id="download" href="\/v\/abc\/download"/);
    assert.doesNotMatch(readerPage({ ...input, allowDownload: false }), /id="download"/);
  });

  it('renders the dashboard shell and the unavailable page without inline code', () => {
    assertNoInlineCode(dashboardPage());
    const gone = unavailablePage();
    assert.match(gone, /This link is no longer available/);
    assertNoInlineCode(gone);
    assert.ok(unavailablePage(hostile).includes(escapeHtml(hostile)));
  });
});
