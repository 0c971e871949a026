// Who is on the other end: device from the user agent, place from the address, machine or human.
import type { DeviceInfo, LocationInfo } from '../domain-types.ts';
import { isNonPublicAddress } from '../public-address.ts';
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

/** Offline lookup (GeoLite2 data shipped in the fast-geoip package); loaded on first use, never fails a visit. */
export function fastGeoIp(): GeoLookup {
  let mod: Promise<typeof import('fast-geoip')> | undefined;
  return {
    async lookup(ip) {
      if (isNonPublicAddress(ip)) return null;
      try {
        mod ??= import('fast-geoip').then((m) => (m as unknown as { default: typeof import('fast-geoip') }).default);
        const r = await (await mod).lookup(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
        if (!r) return null;
        const [lat, lon] = r.ll ?? [];
        return {
          country: r.country || null,
          region: r.region || null,
          city: r.city || null,
          lat: Number.isFinite(lat) ? lat : null,
          lon: Number.isFinite(lon) ? lon : null,
        };
      } catch {
        return null;
      }
    },
  };
}
