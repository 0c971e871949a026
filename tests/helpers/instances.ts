// Several Pagetrail processes on one machine, as a scaled-out deployment runs them: web instances
// (server/main.ts) and conversion workers (server/worker.ts) sharing one DATA_DIR (the link secret, and SQLite and
// local blobs unless told otherwise) and one Redis under a key prefix of their own, removed at the end. On request
// they share a fresh PostgreSQL database and an s3rver bucket instead, dropped at the end too.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Accounts } from '../../server/accounts/senders.ts';
import { closeRedis, connectRedis, type Redis } from '../../storage/redis/connection.ts';
import { openDatabase, type DatabaseAdapter, type Db } from '../../storage/db/index.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { startS3, type TestS3 } from './s3rver.ts';
import { eventually } from './wait.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Instance {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL: the process stops where it is, cleaning up nothing. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export class Deployment {
  readonly dataDir: string;
  readonly prefix = `pt-test-${randomBytes(6).toString('hex')}`;
  readonly env: Record<string, string>;
  readonly processes: Instance[] = [];
  database!: DatabaseAdapter;
  db!: Db;
  redis!: Redis;
  postgres: TestDatabase | undefined;
  s3: TestS3 | undefined;

  private constructor(dataDir: string, env: Record<string, string>) {
    this.dataDir = dataDir;
    this.env = {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      SMTP_RELAY_PORT: '0',
      REDIS_URL,
      REDIS_PREFIX: this.prefix,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      CONVERT_TIMEOUT_MS: '150000',
      CONVERT_START_TIMEOUT_MS: '120000',
      ...env,
    };
  }

  /** `env`: settings every process of the deployment gets; `postgres` and `s3` put its database and blobs there. */
  static async create(
    env: Record<string, string> = {},
    engines: { postgres?: boolean; s3?: boolean } = {},
  ): Promise<Deployment> {
    const postgres = engines.postgres ? await createTestDatabase() : undefined;
    const s3 = engines.s3 ? await startS3() : undefined;
    const d = new Deployment(await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-deploy-')), {
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      ...s3?.env,
      ...env,
    });
    d.postgres = postgres;
    d.s3 = s3;
    d.database = await openDatabase({ dataDir: d.dataDir, DATABASE_URL: postgres?.url, DATABASE_POOL_SIZE: 2 });
    d.db = d.database.db;
    d.redis = await connectRedis(REDIS_URL);
    return d;
  }

  private spawn(script: string, env: Record<string, string>, url: string): Instance {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const inst: Instance = {
      child,
      url,
      output: () => out,
      exited,
      async kill() {
        child.kill('SIGKILL');
        await exited;
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
    this.processes.push(inst);
    return inst;
  }

  /** A web instance on a port of its own, once it answers /readyz. */
  async web(env: Record<string, string> = {}): Promise<Instance> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const inst = this.spawn('server/main.ts', { PORT: String(port), PUBLIC_URL: url, ...env }, url);
    await eventually(
      async () => {
        if (inst.child.exitCode !== null) throw new Error(`web instance exited: ${inst.output()}`);
        return (await fetch(`${url}/readyz`)).status === 200;
      },
      60_000,
      `web instance on ${url} to be ready`,
      100,
    );
    return inst;
  }

  /** A conversion worker, once it takes jobs. */
  async worker(env: Record<string, string> = {}): Promise<Instance> {
    const inst = this.spawn('server/worker.ts', env, '');
    await eventually(
      () => {
        if (inst.child.exitCode !== null) throw new Error(`worker exited: ${inst.output()}`);
        return inst.output().includes('conversion worker taking jobs');
      },
      60_000,
      'the conversion worker to start',
      100,
    );
    return inst;
  }

  async sender(email = `sender-${randomBytes(4).toString('hex')}@example.org`) {
    const password = 'correct horse battery';
    const { sender, token } = await new Accounts(this.db, { sessionTtlHours: 1 }).createSender(email, password);
    return { ...sender, token, password };
  }

  async close(): Promise<void> {
    // Stopped as an operator would (they clean up after themselves); killed if one does not stop in time.
    await Promise.all(
      this.processes.map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
        await p.stop();
        clearTimeout(timer);
      }),
    );
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await closeRedis(this.redis);
    await this.database.close();
    await this.postgres?.drop();
    await this.s3?.close();
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }
}
