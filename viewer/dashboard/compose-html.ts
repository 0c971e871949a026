// The compose editor's content as HTML for the message, built from its nodes (never read from or written to
// as markup): only the formatting the toolbar makes survives (bold, italic, lists, paragraphs, line breaks) and the
// web and mail addresses of pasted links, and
// every piece of text is escaped, so whatever was pasted in cannot add markup, scripts or remote images.

/** The part of a DOM node this reads (a plain object in unit tests). */
export interface EditorNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<EditorNode>;
  getAttribute?: (name: string) => string | null;
}

const TEXT = 3;
const ELEMENT = 1;
/** Their text is not the sender's words. */
const DROP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE']);
const KEEP: Record<string, string> = {
  B: 'strong',
  STRONG: 'strong',
  I: 'em',
  EM: 'em',
  UL: 'ul',
  OL: 'ol',
  LI: 'li',
  P: 'p',
  DIV: 'div',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A link pasted into the message keeps its web or mail address (nothing else), so clicks on it can be tracked. */
function anchor(node: EditorNode): string {
  const href = node.getAttribute?.('href')?.trim() ?? '';
  const inner = editorHtml(node);
  return /^(https?:\/\/|mailto:)/i.test(href) ? `<a href="${escapeHtml(href)}">${inner}</a>` : inner;
}

export function editorHtml(node: EditorNode): string {
  let out = '';
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === TEXT) out += escapeHtml(child.nodeValue ?? '');
    else if (child.nodeType !== ELEMENT) continue;
    else if (child.nodeName === 'BR') out += '<br>';
    else if (DROP.has(child.nodeName)) continue;
    else if (child.nodeName === 'A') out += anchor(child);
    else {
      const tag = KEEP[child.nodeName];
      const inner = editorHtml(child);
      out += tag ? `<${tag}>${inner}</${tag}>` : inner;
    }
  }
  return out;
}
