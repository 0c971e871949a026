// Where a sender's mailbox may be: a public address, unless IMAP_ALLOW_PRIVATE lets loopback and private networks
// in (a sender must not reach the service's own network through it). Checked when settings are saved and again at
// each connection (the name may resolve elsewhere by then); the connection then goes to the address checked.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { mailboxHostRefused, mailboxHostUnknown } from '../errors.ts';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const family = isIP(address);
  if (!family) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The address to connect to, and whether it is a private one; refused when only private ones are found and
 * they are not allowed. */
export async function resolveMailHost(
  host: string,
  allowPrivate: boolean,
): Promise<{ address: string; private: boolean }> {
  let found: { address: string }[];
  try {
    found = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  } catch (err) {
    throw mailboxHostUnknown({ cause: err });
  }
  const ok = found.find((a) => allowPrivate || !isPrivateAddress(a.address));
  if (!ok) throw mailboxHostRefused();
  return { address: ok.address, private: isPrivateAddress(ok.address) };
}
