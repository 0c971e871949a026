// A link's access settings as the domain sees them (from its row), the per-sender defaults for new links, and the
// address rules: allow and deny lists of addresses ("ana@example.org") and domains ("example.org", which also
// covers its subdomains), checked against the address a reader verified.
import type { LinkRow } from '../../storage/db/index.ts';

export interface LinkAccess {
  passcode: boolean;
  requireEmail: boolean;
  allow: string[];
  deny: string[];
  maxViews: number | null;
  watermark: boolean;
}

/** What a sender's new links get unless the request says otherwise. */
export interface LinkDefaults {
  allowDownload: boolean;
  requireEmail: boolean;
  allow: string[];
  deny: string[];
  maxViews: number | null;
  watermark: boolean;
}

export const BUILTIN_DEFAULTS: LinkDefaults = {
  allowDownload: true,
  requireEmail: false,
  allow: [],
  deny: [],
  maxViews: null,
  watermark: false,
};

/** Why a reader was turned away: the `reason` of an `access_denied` event. */
export type RefusalReason =
  | 'wrong_passcode'
  | 'passcode_attempts_exceeded'
  | 'wrong_code'
  | 'code_expired'
  | 'code_attempts_exceeded'
  | 'address_denied'
  | 'domain_denied'
  | 'address_not_allowed'
  | 'domain_not_allowed'
  | 'view_limit_reached';

const list = (json: string | null): string[] => (json ? (JSON.parse(json) as string[]) : []);

export function accessOf(link: LinkRow): LinkAccess {
  return {
    passcode: Boolean(link.passcode_hash),
    requireEmail: Boolean(link.require_email),
    allow: list(link.allow_list),
    deny: list(link.deny_list),
    maxViews: link.max_views === null ? null : Number(link.max_views),
    watermark: Boolean(link.watermark),
  };
}

/** A reader must verify an address when the sender asked for it, or when lists need one to be checked. */
export const needsEmail = (a: LinkAccess) => a.requireEmail || a.allow.length > 0 || a.deny.length > 0;

/** Whether a link has any gate in front of its reader (then the viewer socket wants an entry ticket). */
export const isGated = (a: LinkAccess) => a.passcode || needsEmail(a);

/** "@Example.ORG" -> "example.org"; addresses lower-cased whole. */
export function normaliseEntry(entry: string): string {
  const e = entry.trim().toLowerCase();
  return e.startsWith('@') ? e.slice(1) : e;
}

export const isAddress = (entry: string) => entry.includes('@');

function matches(entry: string, email: string): boolean {
  if (isAddress(entry)) return entry === email;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return domain === entry || domain.endsWith(`.${entry}`);
}

/** The refusal a verified address meets on this link, or null when it may read. Deny wins over allow. */
export function addressRefusal(a: LinkAccess, email: string): RefusalReason | null {
  const e = email.toLowerCase();
  const denied = a.deny.find((entry) => matches(entry, e));
  if (denied) return isAddress(denied) ? 'address_denied' : 'domain_denied';
  if (a.allow.length && !a.allow.some((entry) => matches(entry, e))) {
    return a.allow.some((entry) => !isAddress(entry)) ? 'domain_not_allowed' : 'address_not_allowed';
  }
  return null;
}

/** What a refusal tells the reader, in one sentence. */
export const REFUSAL_TEXT: Record<RefusalReason, string> = {
  wrong_passcode: 'The passcode is not correct.',
  passcode_attempts_exceeded: 'Too many wrong passcodes. Wait 15 minutes and try again.',
  wrong_code: 'The code is not correct.',
  code_expired: 'The code has expired or was already used. Ask for a new one.',
  code_attempts_exceeded: 'Too many wrong codes. Ask for a new one.',
  address_denied: 'This email address may not open the document.',
  domain_denied: 'Addresses of this domain may not open the document.',
  address_not_allowed: 'This email address is not among those allowed to open the document.',
  domain_not_allowed: 'Addresses of this domain are not allowed to open the document.',
  view_limit_reached: 'This link has been opened as many times as the sender allowed.',
};
