// Original file names are attacker-controlled: kept only as display text, never as paths or raw header values.

/** Directional formatting characters: they can reverse how the text around them reads (a name ending "fdp.exe"
 * shown as "exe.pdf", a recipient turning the feed's sentence around). Display text never keeps them. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** A display name without path components, control characters or surrounding dots/space. */
export function sanitizeFileName(raw: string | undefined, fallback = 'document'): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = stripBidiControls(name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ''));
  name = name.replace(/^[\s.]+|[\s.]+$/g, '');
  if (name.length > 200) name = [...name].slice(0, 200).join('');
  return name || fallback;
}

/** RFC 6266 / 5987 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The PDF's download name: the original's base name with .pdf. */
export function pdfName(name: string): string {
  return /\.pdf$/i.test(name) ? name : `${name.replace(/\.[A-Za-z0-9]{1,5}$/, '')}.pdf`;
}
