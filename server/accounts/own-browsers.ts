// The sender's own browsers and addresses: a long-lived device cookie made at sign-in (kept after sign-out, stored
// as its hash) and the addresses the sender's dashboard sessions came from in the last days. A pixel open, click
// or viewer visit from either is the sender's own (`self: true`): opening one's own sent mail is the common case.
import type { Db } from '../../storage/db/index.ts';
import { hashSecret, randomSecret } from './secrets.ts';

export const DEVICE_COOKIE = 'pt_device';
/** Two years: the cookie outlives sessions and sign-outs on purpose. */
export const DEVICE_COOKIE_MAX_AGE_MS = 2 * 365 * 24 * 3600_000;

/** How long an answer (device or address lookup) is reused; a new sign-in is seen within this. */
const CACHE_MS = 30_000;
/** An address is written again at most this often per sender. */
const NOTE_EVERY_MS = 5 * 60_000;
const CACHE_MAX = 20_000;

export class OwnBrowsers {
  private readonly db: Db;
  private readonly addressDays: number;
  private readonly devices = new Map<string, { senderId: string | null; at: number }>();
  private readonly addresses = new Map<string, { own: boolean; at: number }>();
  private readonly noted = new Map<string, number>();

  constructor(db: Db, opts: { addressDays: number }) {
    this.db = db;
    this.addressDays = opts.addressDays;
  }

  /** A new device token (>= 128 bits) for this browser, stored as its hash; the caller sets the cookie. */
  async issueDevice(senderId: string): Promise<string> {
    const token = randomSecret(32);
    await this.db
      .insertInto('sender_devices')
      .values({ id_hash: hashSecret(token), sender_id: senderId, created_at: new Date().toISOString() })
      .execute();
    return token;
  }

  /** Whether the browser's device cookie already belongs to this sender (then it is kept as it is). */
  async deviceOf(token: string | undefined): Promise<string | null> {
    if (!token || token.length > 100) return null;
    const now = Date.now();
    const hit = this.devices.get(token);
    if (hit && now - hit.at < CACHE_MS) return hit.senderId;
    const row = await this.db
      .selectFrom('sender_devices')
      .select('sender_id')
      .where('id_hash', '=', hashSecret(token))
      .executeTakeFirst();
    remember(this.devices, token, { senderId: row?.sender_id ?? null, at: now });
    return row?.sender_id ?? null;
  }

  /** A dashboard session of the sender came from `address` (written at most every few minutes). */
  async noteAddress(senderId: string, address: string | undefined): Promise<void> {
    if (!address || this.addressDays <= 0 || isLoopback(address)) return;
    const key = `${senderId}|${address}`;
    const now = Date.now();
    if (now - (this.noted.get(key) ?? 0) < NOTE_EVERY_MS) return;
    remember(this.noted, key, now);
    this.addresses.delete(key);
    const at = new Date(now).toISOString();
    await this.db
      .insertInto('sender_addresses')
      .values({ sender_id: senderId, address, last_seen_at: at })
      .onConflict((oc) => oc.columns(['sender_id', 'address']).doUpdateSet({ last_seen_at: at }))
      .execute();
  }

  /** Whether a request from `address` with `deviceToken` is the sender's own. */
  async isOwn(senderId: string, client: { ip: string; deviceToken?: string }): Promise<boolean> {
    if ((await this.deviceOf(client.deviceToken)) === senderId) return true;
    if (this.addressDays <= 0 || !client.ip || isLoopback(client.ip)) return false;
    const key = `${senderId}|${client.ip}`;
    const now = Date.now();
    const hit = this.addresses.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.own;
    const since = new Date(now - this.addressDays * 24 * 3600_000).toISOString();
    const row = await this.db
      .selectFrom('sender_addresses')
      .select('last_seen_at')
      .where('sender_id', '=', senderId)
      .where('address', '=', client.ip)
      .where('last_seen_at', '>=', since)
      .executeTakeFirst();
    remember(this.addresses, key, { own: Boolean(row), at: now });
    return Boolean(row);
  }
}

/** Behind a proxy not named in TRUST_PROXY every request seems to come from loopback: it tells no one apart. */
function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_MAX) map.delete(map.keys().next().value!);
  map.set(key, value);
}
