// Who is on the other end: device from the user agent, place from the address, machine or human.
import type { DeviceInfo, LocationInfo } from '../domain-types.ts';
import { agentInfo } from './user-agent.ts';

/** Crawlers, link scanners, HTTP libraries, headless browsers and requests with no user agent. */
export function isAutomatedAgent(ua: string | undefined): boolean {
  return agentInfo(ua).automated;
}

export function deviceFrom(ua: string | undefined): DeviceInfo {
  return agentInfo(ua).device;
}

export interface GeoLookup {
  lookup(ip: string): Promise<LocationInfo | null>;
}

/** Loopback, private, link-local and unique-local addresses have no place. */
export function isPrivateAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) {
    const [a = 0, b = 0] = v4.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const l = ip.toLowerCase();
  return l === '::1' || l === '::' || l.startsWith('fe80:') || l.startsWith('fc') || l.startsWith('fd');
}

/** Offline lookup (GeoLite2 data shipped in the fast-geoip package); loaded on first use, never fails a visit. */
export function fastGeoIp(): GeoLookup {
  let mod: Promise<typeof import('fast-geoip')> | undefined;
  return {
    async lookup(ip) {
      if (isPrivateAddress(ip)) return null;
      try {
        mod ??= import('fast-geoip').then((m) => (m as unknown as { default: typeof import('fast-geoip') }).default);
        const r = await (await mod).lookup(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
        return r ? { country: r.country || null, region: r.region || null, city: r.city || null } : null;
      } catch {
        return null;
      }
    },
  };
}
