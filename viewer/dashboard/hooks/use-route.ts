// The dashboard's one router: the URL hash names the page. `parseRoute` is pure (unit-tested); `useRoute`
// follows hashchange and removes its listener on unmount. Unknown or malformed hashes show the documents list.

import { useEffect, useMemo, useState } from 'preact/hooks';

export type Route =
  | { page: 'documents' }
  | { page: 'document'; id: string }
  | { page: 'recipients' }
  | { page: 'recipient'; address: string }
  | { page: 'sent' }
  | { page: 'message'; id: string }
  | { page: 'compose' }
  | { page: 'settings' }
  | { page: 'mailbox' };

/** The top bar's sections, in order; each route belongs to one. */
export const SECTIONS = [
  { page: 'documents', label: 'Documents', href: '#/' },
  { page: 'sent', label: 'Sent', href: '#/sent' },
  { page: 'recipients', label: 'Recipients', href: '#/recipients' },
  { page: 'compose', label: 'Compose', href: '#/compose' },
  { page: 'settings', label: 'Settings', href: '#/settings' },
  { page: 'mailbox', label: 'Mailbox', href: '#/mailbox' },
] as const;

export type Section = (typeof SECTIONS)[number]['page'];

const FIXED: Record<string, Route> = {
  '#/recipients': { page: 'recipients' },
  '#/sent': { page: 'sent' },
  '#/compose': { page: 'compose' },
  '#/settings': { page: 'settings' },
  '#/mailbox': { page: 'mailbox' },
};

const WITH_ID = /^#\/(documents|recipients|sent)\/([^/]+)$/;

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  const fixed = FIXED[hash];
  if (fixed) return fixed;
  const match = WITH_ID.exec(hash);
  const value = match?.[2] === undefined ? null : decode(match[2]);
  if (match && value) {
    if (match[1] === 'documents') return { page: 'document', id: value };
    if (match[1] === 'recipients') return { page: 'recipient', address: value };
    return { page: 'message', id: value };
  }
  return { page: 'documents' };
}

export function documentHref(id: string): string {
  return `#/documents/${encodeURIComponent(id)}`;
}

export function recipientHref(address: string): string {
  return `#/recipients/${encodeURIComponent(address)}`;
}

export function messageHref(id: string): string {
  return `#/sent/${encodeURIComponent(id)}`;
}

export function sectionOf(route: Route): Section {
  if (route.page === 'document') return 'documents';
  if (route.page === 'recipient') return 'recipients';
  if (route.page === 'message') return 'sent';
  return route.page;
}

/** The current route; a new page starts at the top. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const follow = () => {
      setHash(location.hash);
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', follow);
    // A hash changed between the first render and this effect is not missed.
    follow();
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
