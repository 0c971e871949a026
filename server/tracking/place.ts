// Where a reader is, as far as telling places apart needs: the network (/24 for IPv4, /48 for IPv6) and the
// offline lookup's city. Forward detection compares these; the address itself is not kept (KEEP_IP_ADDRESSES).
import { isIP } from 'node:net';
import type { LocationInfo } from '../domain-types.ts';

/** "203.0.113.0/24" or "2001:db8:1::/48"; null for an address that is not one. */
export function networkOf(ip: string): string | null {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(ip) !== 6) return null;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

export interface Place {
  network: string | null;
  location: LocationInfo | null;
}

const city = (l: LocationInfo | null) => (l?.city && l.country ? `${l.country}|${l.city}` : null);

/** Same network, or (networks unknown) the same known city. */
export function samePlace(a: Place, b: Place): boolean {
  if (a.network && b.network) return a.network === b.network;
  const ca = city(a.location);
  return ca !== null && ca === city(b.location);
}

/** Known to differ: other networks, or other known cities. */
export function otherPlace(a: Place, b: Place): boolean {
  if (a.network && b.network && a.network !== b.network) return true;
  const ca = city(a.location);
  const cb = city(b.location);
  return ca !== null && cb !== null && ca !== cb;
}
