// A real IMAP server for the tests: Debian's Dovecot (dovecot-imapd, installed by scripts/setup.sh test), started
// with a generated configuration on a free loopback port, passwd-file users with random passwords and maildirs in a
// temp directory; stopped (and the directory removed) by stop(). The package's own service is never used.
import { type ChildProcess, spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { eventually } from './wait.ts';

const run = promisify(execFile);
const DOVECOT = process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot';
const DOVEADM = process.env.DOVEADM_PATH ?? '/usr/bin/doveadm';

export interface ImapUser {
  user: string;
  pass: string;
}

export interface Dovecot {
  host: string;
  port: number;
  users: Record<string, ImapUser>;
  /** Delivers a message into a user's folder by IMAP APPEND, as a mail server's delivery would; its UID. */
  append(user: string, raw: Buffer | string, folder?: string): Promise<number>;
  /** Gives the folder a new UIDVALIDITY (its UIDs are no longer comparable with earlier ones). */
  renumber(user: string, uidValidity: number, folder?: string): Promise<void>;
  /** The server's log so far (for a failing test's message). */
  log(): Promise<string>;
  /** An outage: the server stops (connections drop, new ones are refused) until resume(), mail kept. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startDovecot(names: string[]): Promise<Dovecot> {
  await fs.access(DOVECOT).catch(() => {
    throw new Error(`${DOVECOT} not found: install dovecot-imapd (scripts/setup.sh test does)`);
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-dovecot-'));
  await fs.chmod(dir, 0o755);
  const root = process.getuid?.() === 0;
  // As root, Dovecot runs its helpers as the package's users and mail as nobody; otherwise all as us.
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  const mail = path.join(dir, 'mail');
  await fs.mkdir(mail, { mode: 0o700 });
  if (root) await fs.chown(mail, uid, gid);
  const users: Record<string, ImapUser> = {};
  for (const n of names) users[n] = { user: n, pass: randomBytes(12).toString('base64url') };
  await fs.writeFile(
    path.join(dir, 'passwd'),
    Object.values(users)
      .map((u) => `${u.user}:{PLAIN}${u.pass}`)
      .join('\n'),
    { mode: 0o644 },
  );
  const port = await freePort();
  const me = os.userInfo().username;
  const conf = path.join(dir, 'dovecot.conf');
  await fs.writeFile(
    conf,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/dovecot.log`,
      ...(root
        ? []
        : [`default_internal_user = ${me}`, `default_login_user = ${me}`, `default_internal_group = ${me}`]),
      'protocols = imap',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      'mail_location = maildir:~/Maildir',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${dir}/passwd`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${uid} gid=${gid} home=${mail}/%u`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const readLog = () => fs.readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => '');
  let child: ChildProcess;
  let exited: Promise<void>;
  const launch = async () => {
    child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c));
    child.stderr!.on('data', (c: Buffer) => (output += c));
    exited = new Promise<void>((r) => child.once('exit', () => r()));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`dovecot exited: ${output}${await readLog()}`);
        return new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
          s.on('error', () => resolve(false));
        });
      },
      20_000,
      `dovecot listening on 127.0.0.1:${port}`,
      100,
    );
  };
  const halt = async () => {
    if (child.exitCode !== null) return;
    // The master leaves running IMAP sessions behind when it stops: disconnect them first, as an outage would.
    for (const n of names) await run(DOVEADM, ['-c', conf, 'kick', n]).catch(() => undefined);
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };
  try {
    await launch();
  } catch (err) {
    child!.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }

  const client = (u: ImapUser) =>
    new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: u, logger: false });

  return {
    host: '127.0.0.1',
    port,
    users,
    async append(user, raw, folder = 'INBOX') {
      const c = client(users[user]!);
      await c.connect();
      try {
        const r = await c.append(folder, typeof raw === 'string' ? Buffer.from(raw) : raw);
        if (!r || !r.uid) throw new Error('APPEND gave no UID');
        return r.uid;
      } finally {
        await c.logout();
      }
    },
    async renumber(user, uidValidity, folder = 'INBOX') {
      await run(DOVEADM, ['-c', conf, 'mailbox', 'update', '-u', user, '--uid-validity', String(uidValidity), folder]);
    },
    log: readLog,
    pause: halt,
    resume: launch,
    async stop() {
      await halt();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
