// The compose editor's HTML: the toolbar's formatting kept, everything else reduced to escaped text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EditorNode, editorHtml } from '../../viewer/dashboard/compose-html.ts';

const text = (value: string): EditorNode => ({ nodeType: 3, nodeName: '#text', nodeValue: value, childNodes: [] });
const el = (name: string, ...children: EditorNode[]): EditorNode => ({
  nodeType: 1,
  nodeName: name,
  nodeValue: null,
  childNodes: children,
});

describe('compose editor HTML', () => {
  it('keeps bold, italic, lists, paragraphs and line breaks', () => {
    const root = el(
      'DIV',
      text('Dear Ana,'),
      el('BR'),
      el('B', text('price')),
      el('I', text(' now')),
      el('UL', el('LI', text('one')), el('LI', text('two'))),
      el('DIV', text('Bye')),
    );
    assert.equal(
      editorHtml(root),
      'Dear Ana,<br><strong>price</strong><em> now</em><ul><li>one</li><li>two</li></ul><div>Bye</div>',
    );
  });
  it('keeps a pasted link to the web or a mail address, escaped, and drops any other kind', () => {
    const link = (href: string, words: string): EditorNode => ({ ...el('A', text(words)), getAttribute: () => href });
    const root = el(
      'DIV',
      link('https://example.com/?a=1&b="2"', 'pricing'),
      link('mailto:ana@example.org', 'write'),
      link('javascript:alert(1)', 'bad'),
    );
    assert.equal(
      editorHtml(root),
      '<a href="https://example.com/?a=1&#38;b=&#34;2&#34;">pricing</a><a href="mailto:ana@example.org">write</a>bad',
    );
  });
  it('escapes text and drops any other element, keeping its words (not those of scripts)', () => {
    const root = el(
      'DIV',
      text('<script>alert(1)</script> & "q"'),
      el('IMG'),
      el('A', text('a link')),
      el('SCRIPT', text('x<y')),
      { nodeType: 8, nodeName: '#comment', nodeValue: 'hidden', childNodes: [] },
    );
    assert.equal(editorHtml(root), '&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;q&#34;a link');
  });
});
