// How the rewriter reads a MIME tree (mailsplit nodes): which leaves are attachments that may become documents,
// which carry the body text, and the per-message and per-part tracking switch.
import type { MimeNode } from '@zone-eu/mailsplit';

/** Header that turns tracking off: on the message (every attachment stays) or on one attachment part. */
export const TRACK_HEADER = 'X-Pagetrail-Track';

export function trackingOff(node: MimeNode): boolean {
  const v = node.headers ? node.headers.getFirst(TRACK_HEADER) : '';
  return /^\s*(off|no|false|0)\s*$/i.test(v ?? '');
}

/** Inside a forwarded message (message/rfc822): left alone, it is someone else's mail. */
function embedded(node: MimeNode): boolean {
  for (let p = node.parentNode; p; p = p.parentNode) if (p.rfc822) return true;
  return false;
}

const type = (node: MimeNode) => (node.contentType || 'text/plain').toLowerCase();

/** A leaf that is a file the sender attached (not body text, not an inline cid: image referenced by the HTML). */
export function isAttachment(node: MimeNode): boolean {
  if (node.root || node.multipart || node.rfc822 || embedded(node)) return false;
  const t = type(node);
  if (t.startsWith('multipart/') || t === 'message/rfc822') return false;
  const cid = Boolean(node.headers && node.headers.hasHeader('Content-ID'));
  if (node.disposition === 'attachment') return true;
  if (cid) return false;
  if (t.startsWith('text/') && !node.filename) return false;
  return Boolean(node.filename) || t.startsWith('application/');
}

/** The body part a block of links goes into: text/html or text/plain, not an attachment, not forwarded mail. */
export function bodyKind(node: MimeNode): 'html' | 'text' | null {
  if (node.multipart || node.rfc822 || embedded(node) || node.disposition === 'attachment' || node.filename)
    return null;
  const t = type(node);
  return t === 'text/html' ? 'html' : t === 'text/plain' ? 'text' : null;
}
