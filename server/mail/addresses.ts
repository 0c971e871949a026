// Addresses from headers and envelopes: parsed with nodemailer's address parser, compared lower-cased.
import addressparser from 'nodemailer/lib/addressparser';
import libmime from 'libmime';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export const normAddress = (a: string) => a.trim().toLowerCase();

export function isAddress(a: string): boolean {
  return a.length <= 320 && EMAIL.test(a);
}

/** Every address in a list of header values (To: a, "B" <b>, group: c;), in order, without duplicates. */
export function headerAddresses(values: string[]): string[] {
  const out: string[] = [];
  const walk = (list: ReturnType<typeof addressparser>) => {
    for (const item of list) {
      if ('group' in item && Array.isArray(item.group)) walk(item.group);
      else if ('address' in item && item.address) {
        const a = normAddress(item.address);
        if (!out.includes(a)) out.push(a);
      }
    }
  };
  for (const v of values) walk(addressparser(v));
  return out;
}

/** A header value with encoded words decoded (Subject); raw 8-bit bytes are read as UTF-8. */
export function decodeHeader(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    return libmime.decodeWords(value).replace(/\s+/g, ' ').trim().slice(0, 998);
  } catch {
    return value.trim().slice(0, 998);
  }
}
