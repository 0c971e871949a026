// One pooled soffice behind its Python UNO bridge: a fresh hardened profile per start, a process group of its
// own so a deadline can kill soffice.bin and everything it spawned, JSON lines over stdin/stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.ts';
import { officeEnv, seedProfile } from './profile.ts';
import { giveTree, type Owner } from './run-as.ts';
import type { Worker } from './supervisor.ts';

const BRIDGE = fileURLToPath(new URL('./uno-bridge.py', import.meta.url));

export interface UnoJob {
  input: string;
  output: string;
}

export interface SofficeWorkerOptions {
  pythonPath: string;
  sofficePath: string;
  /** Private directory for this process: profile, HOME, TMPDIR; removed when the process is gone. */
  dir: string;
  startTimeoutMs: number;
  logger: Logger;
  /** Run the bridge and soffice as this user (see run-as.ts); null: as the service. */
  owner: Owner | null;
}

interface Reply {
  id?: number;
  ok?: boolean;
  ready?: boolean;
  error?: string;
  filter?: string;
}

export class SofficeWorker implements Worker<UnoJob, string> {
  readonly exited: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  private nextId = 1;
  private gone = false;
  private stderrTail = '';

  private constructor(child: ChildProcessWithoutNullStreams, dir: string, log: Logger) {
    this.child = child;
    child.stdin.on('error', () => {
      /* EPIPE when the bridge died; the exit handler reports it */
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-2000);
    });
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, sig) => {
        this.gone = true;
        // The bridge leads the process group; sweep soffice too in case the bridge died on its own.
        this.killGroup();
        const err = new Error(
          `converter process exited (code ${code}, signal ${sig}) ${this.stderrTail.trim()}`.trim(),
        );
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        log.debug({ pid: child.pid, code, sig }, 'converter process exited');
        void fs.rm(dir, { recursive: true, force: true }).finally(resolve);
      });
    });
  }

  /** Starts soffice and its bridge; resolves once soffice accepts UNO calls. */
  static async start(o: SofficeWorkerOptions): Promise<SofficeWorker> {
    const profileDir = path.join(o.dir, 'profile');
    const tmpDir = path.join(o.dir, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const profileUrl = await seedProfile(profileDir);
    // The bridge is copied beside the profile so the user it runs as needs no access to the service's files.
    const bridge = path.join(o.dir, 'uno-bridge.py');
    await fs.copyFile(BRIDGE, bridge);
    await giveTree(o.dir, o.owner);
    // Pipe names are global to the host (a socket in the system temp dir): random, so that two pools, or two
    // services, can never talk to each other's soffice.
    const pipe = `pagetrail-${randomBytes(12).toString('hex')}`;
    const child = spawn(o.pythonPath, [bridge, o.sofficePath, profileUrl, pipe, String(o.startTimeoutMs / 1000)], {
      cwd: tmpDir,
      env: officeEnv(profileDir, tmpDir),
      detached: true, // own process group: kill(-pid) reaches soffice.bin
      // fd 3 is never written: the bridge watches it for end-of-file, which comes when this process dies
      // however it dies, and then kills its group, so no soffice outlives the service (see uno-bridge.py).
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      ...(o.owner ? { uid: o.owner.uid, gid: o.owner.gid } : {}),
    });
    const w = new SofficeWorker(child as unknown as ChildProcessWithoutNullStreams, o.dir, o.logger);
    const first = new Promise<Reply>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      let ready = false;
      lines.on('line', (line) => {
        let msg: Reply;
        try {
          msg = JSON.parse(line) as Reply;
        } catch {
          return;
        }
        if (!ready) {
          ready = true;
          resolve(msg);
          return;
        }
        const p = msg.id === undefined ? undefined : w.pending.get(msg.id);
        if (p && msg.id !== undefined) {
          w.pending.delete(msg.id);
          p.resolve(msg);
        }
      });
      child.once('error', reject);
      void w.exited.then(() => reject(new Error(`converter process exited during start-up: ${w.stderrTail.trim()}`)));
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const hello = await Promise.race([
        first,
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new Error('converter process start-up timed out')), o.startTimeoutMs + 2000);
        }),
      ]);
      if (!hello.ready) throw new Error(`converter process failed to start: ${hello.error ?? 'unknown'}`);
      return w;
    } catch (err) {
      w.kill();
      await w.exited;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async run(job: UnoJob): Promise<string> {
    const reply = await this.request({ input: job.input, output: job.output });
    if (!reply.ok) {
      const err = new Error(reply.error ?? 'conversion failed');
      // soffice died under the call and the bridge said so before its own exit was noticed: a crash.
      if (/DisposedException|bridge disposed/.test(err.message)) Object.assign(err, { processGone: true });
      throw err;
    }
    return job.output;
  }

  async ping(): Promise<void> {
    const reply = await this.request({ ping: true });
    if (!reply.ok) throw new Error(reply.error ?? 'probe failed');
  }

  async stop(graceMs: number): Promise<void> {
    if (!this.gone) {
      this.child.stdin.end(); // the bridge asks soffice to terminate and exits
      const t = setTimeout(() => this.kill(), graceMs);
      await this.exited;
      clearTimeout(t);
    } else {
      await this.exited;
    }
  }

  alive(): boolean {
    return !this.gone;
  }

  kill(): void {
    if (!this.gone) this.killGroup(); // once gone, the exit handler has swept the group and the id may be reused
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already empty.
    }
  }

  private request(body: Record<string, unknown>): Promise<Reply> {
    if (this.gone) return Promise.reject(new Error('converter process is not running'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`, (err) => {
        if (err) {
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }
}
