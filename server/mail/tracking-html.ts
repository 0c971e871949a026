// What tracking adds to a copy's HTML part: every http(s) link rewritten to this copy's click redirect (the
// target is kept on the server, see MessageStore.saveLinks), a hidden honeypot link no person sees, and a 1x1
// open pixel (each half can be switched off per sender). Links to Pagetrail itself (the documents' viewer links) stay as they are: the viewer tracks them.

import { insertHtml } from './blocks.ts';

export interface TrackingPlan {
  pixelUrl: string;
  /** The click redirect of link `position` (0 is the honeypot). */
  clickUrl: (position: number) => string;
  /** PUBLIC_URL: links under it are not rewritten. */
  ownBase: string;
  /** The sender's switches: false leaves out the open pixel, or leaves every link as written (and no honeypot). */
  pixel: boolean;
  clicks: boolean;
}

export interface RewrittenLink {
  position: number;
  url: string;
  text: string | null;
  honeypot: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** The visible words of a link (or its image's alt text), at most 200 characters. */
function linkText(inner: string): string | null {
  const words = decodeEntities(inner.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  const alt = /\balt\s*=\s*("([^"]*)"|'([^']*)')/i.exec(inner);
  const text = words || decodeEntities(alt?.[2] ?? alt?.[3] ?? '').trim();
  return text ? text.slice(0, 200) : null;
}

const ANCHOR = /<a\b([^>]*?)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))([^>]*)>([\s\S]*?)<\/a\s*>/gi;

/**
 * Rewrites `html` (a part's text, one character per byte: `decode` turns a run of it into real text for the
 * stored link text). Returns the new HTML and the links, in order; position 0 is the honeypot.
 */
export function trackHtml(
  html: string,
  plan: TrackingPlan,
  decode: (raw: string) => string,
): { html: string; links: RewrittenLink[] } {
  const pixel = `<img src="${plan.pixelUrl}" width="1" height="1" alt="" aria-hidden="true" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0;">`;
  if (!plan.clicks) return { html: plan.pixel ? insertHtml(html, pixel) : html, links: [] };
  const links: RewrittenLink[] = [{ position: 0, url: plan.ownBase, text: null, honeypot: true }];
  const rewritten = html.replace(
    ANCHOR,
    (whole, before: string, dq?: string, sq?: string, bare?: string, after = '', inner = '') => {
      const url = decodeEntities((dq ?? sq ?? bare ?? '').trim());
      if (!/^https?:\/\//i.test(url) || url.startsWith(`${plan.ownBase}/`) || url.length > 4000) return whole;
      const position = links.length;
      links.push({ position, url, text: linkText(decode(inner)), honeypot: false });
      return `<a${before}href="${plan.clickUrl(position)}"${after}>${inner}</a>`;
    },
  );
  const honeypot = `<a href="${plan.clickUrl(0)}" style="display:none;font-size:0;line-height:0;max-height:0;overflow:hidden;mso-hide:all;" tabindex="-1" aria-hidden="true"></a>`;
  const withHoneypot = atBodyStart(rewritten, honeypot);
  return { html: plan.pixel ? insertHtml(withHoneypot, pixel) : withHoneypot, links };
}

function atBodyStart(body: string, markup: string): string {
  const m = /<body\b[^>]*>/i.exec(body);
  return m ? body.slice(0, m.index + m[0].length) + markup + body.slice(m.index + m[0].length) : markup + body;
}
