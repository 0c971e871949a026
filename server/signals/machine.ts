// Machine or person: the rules that judge an open-pixel fetch or a click, as data (a stable reason code), never
// as a silent drop. Pure: the recorder gives it what it knows of the request and of the copy's recent history.
import fs from 'node:fs';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { AutomatedReason } from '../domain-types.ts';

export interface Judgement {
  automated: boolean;
  reason?: AutomatedReason;
  /** A provider's image proxy fetched for a person: a human open whose device and place are the proxy's. */
  via?: 'google-image-proxy' | 'yahoo-proxy';
}

export interface JudgeInput {
  userAgent: string | undefined;
  ip: string;
  /** The user-agent libraries' verdict (isbot, device-detector, HTTP libraries, headless browsers). */
  agentAutomated: boolean;
  honeypot: boolean;
  nowMs: number;
  /** When the copy was accepted upstream. */
  deliveredAtMs: number | null;
  /** The copy's machine window (a honeypot hit marked it) ends then. */
  machineUntilMs: number | null;
  /** Distinct addresses that hit this copy in the last BURST_WINDOW_MS, this one included. */
  recentAddresses: number;
  scanWindowMs: number;
  isAppleAddress: (ip: string) => boolean;
}

/** A scanner fleet fetches one copy's links from several addresses at once; a person does not. */
export const BURST_WINDOW_MS = 30_000;
export const BURST_ADDRESSES = 3;
/** After a honeypot hit, the copy's opens and clicks for this long are the scanner's. */
export const HONEYPOT_WINDOW_MS = 60_000;

const HEADLESS = /headless|phantomjs|puppeteer|playwright|selenium|webdriver/i;

export function judge(i: JudgeInput): Judgement {
  const ua = i.userAgent ?? '';
  // Gmail and Yahoo fetch images through their proxies when the person opens the mail.
  if (/GoogleImageProxy/i.test(ua)) return { automated: false, via: 'google-image-proxy' };
  if (/YahooMailProxy/i.test(ua)) return { automated: false, via: 'yahoo-proxy' };
  // Apple Mail Privacy Protection fetches every image at delivery, from Apple's relays, as bare "Mozilla/5.0".
  if (ua.trim() === 'Mozilla/5.0' && i.isAppleAddress(i.ip)) return { automated: true, reason: 'apple_mpp' };
  if (i.honeypot) return { automated: true, reason: 'honeypot' };
  if (i.machineUntilMs !== null && i.nowMs <= i.machineUntilMs) return { automated: true, reason: 'honeypot' };
  if (HEADLESS.test(ua)) return { automated: true, reason: 'headless' };
  if (i.agentAutomated) return { automated: true, reason: 'link_scanner' };
  if (i.recentAddresses >= BURST_ADDRESSES) return { automated: true, reason: 'burst' };
  if (i.deliveredAtMs !== null && i.nowMs - i.deliveredAtMs < i.scanWindowMs)
    return { automated: true, reason: 'too_soon_after_delivery' };
  return { automated: false };
}

/** Apple's own 17.0.0.0/8, plus the egress ranges of a CSV in Apple's format (`cidr,country,region,city,`). */
export function appleAddresses(csvPath?: string): { has: (ip: string) => boolean; ranges: number } {
  const list = new BlockList();
  list.addSubnet('17.0.0.0', 8, 'ipv4');
  let ranges = 1;
  if (csvPath) {
    for (const line of fs.readFileSync(csvPath, 'utf8').split(/\r?\n/)) {
      const [cidr] = line.split(',');
      const [addr, bits] = (cidr ?? '').trim().split('/');
      if (!addr || !bits || !/^\d+$/.test(bits)) continue;
      const type = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null;
      if (!type || Number(bits) > (type === 'ipv4' ? 32 : 128)) continue;
      list.addSubnet(addr, Number(bits), type);
      ranges++;
    }
  }
  return {
    ranges,
    has(ip) {
      const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
      if (isIPv4(v4)) return list.check(v4, 'ipv4');
      return isIPv6(ip) && list.check(ip, 'ipv6');
    },
  };
}
