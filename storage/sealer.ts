// Values the database must not hold in clear (link tokens, whose URLs senders list again later) are sealed with
// AES-256-GCM under a key derived from the service's own secret, DATA_DIR/secret (32 random bytes, mode 0600,
// made on first use). A copy of the database file alone, a backup say, gives no link away. Keep backups of the
// secret apart from those of the database: without it sealed values cannot be opened.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

function serviceSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret');
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file);
}

export class Sealer {
  private readonly key: Buffer;

  constructor(secret: Buffer, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `pagetrail ${purpose}`, 32));
  }

  /** The sealer for `purpose` under DATA_DIR's secret. */
  static forDataDir(dataDir: string, purpose: string): Sealer {
    return new Sealer(serviceSecret(dataDir), purpose);
  }

  /** `context` (the row's id) is authenticated with the value: a sealed value moved to another row does not open. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `${VERSION}.${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const [version, packed] = sealed.split('.');
    if (version !== VERSION || !packed) throw new Error('unknown sealed value format');
    const raw = Buffer.from(packed, 'base64url');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  }
}

export const LINK_TOKENS = 'link tokens';
export const COPY_TOKENS = 'copy tokens';
export const MAILBOX_PASSWORDS = 'mailbox passwords';
