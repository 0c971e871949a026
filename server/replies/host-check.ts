// Where a sender's mailbox may be: a public address, unless IMAP_ALLOW_PRIVATE lets loopback and private networks
// in (a sender must not reach the service's own network through it). Checked when settings are saved and again at
// each connection (the name may resolve elsewhere by then); the connection then goes to the address checked.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { mailboxHostRefused, mailboxHostUnknown } from '../errors.ts';
import { isNonPublicAddress } from '../public-address.ts';

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
  const ok = found.find((a) => allowPrivate || !isNonPublicAddress(a.address));
  if (!ok) throw mailboxHostRefused();
  return { address: ok.address, private: isNonPublicAddress(ok.address) };
}
