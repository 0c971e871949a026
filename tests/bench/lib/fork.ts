// A forked benchmark process (a server under test, a client load) with a typed request/reply channel.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber } from './stats.ts';

const LIB = path.dirname(fileURLToPath(import.meta.url));

/** How long any one reply from a forked process may take before the bench gives up and says which. */
export const REPLY_TIMEOUT_MS = envNumber('BENCH_REPLY_TIMEOUT_MS', 120_000);

/**
 * A forked process with a typed request/reply channel. Replies that come before anyone waits for them are kept
 * (the load process can finish a phase before the server answers its stats), every wait is bounded and names what
 * did not arrive, and a child that dies fails whatever waits on it.
 */
export function child<Cmd, Msg extends { type: string }>(
  script: string,
  args: string[] = [],
  execArgv = process.execArgv,
  env: Record<string, string> = {},
) {
  const proc: ChildProcess = fork(path.join(LIB, script), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
    env: { ...process.env, ...env },
  });
  const waiting: { type: string; resolve: (m: Msg) => void; reject: (e: Error) => void }[] = [];
  const early: Msg[] = [];
  let exited: string | null = null;
  proc.on('message', (m: Msg) => {
    if (m.type === 'error') {
      const err = new Error(`${script}: ${(m as unknown as { message: string }).message}`);
      if (!waiting.length) console.error(err.message);
      for (const w of waiting.splice(0)) w.reject(err);
      return;
    }
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
    else early.push(m);
  });
  proc.on('exit', (code, signal) => {
    exited = `${script} exited (${signal ?? code})`;
    for (const w of waiting.splice(0)) w.reject(new Error(`${exited} while waiting for ${w.type}`));
  });
  return {
    send: (cmd: Cmd) => proc.send(cmd as object),
    next: <T extends Msg['type']>(type: T, timeoutMs = REPLY_TIMEOUT_MS) =>
      new Promise<Extract<Msg, { type: T }>>((resolve, reject) => {
        const i = early.findIndex((m) => m.type === type);
        if (i >= 0) return resolve(early.splice(i, 1)[0] as Extract<Msg, { type: T }>);
        if (exited) return reject(new Error(`${exited} before sending ${type}`));
        const w = {
          type,
          resolve: (m: Msg) => (clearTimeout(timer), resolve(m as Extract<Msg, { type: T }>)),
          reject: (e: Error) => (clearTimeout(timer), reject(e)),
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(w), 1);
          reject(new Error(`${script} sent no ${type} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiting.push(w);
      }),
    exited: () =>
      new Promise<void>((r) =>
        proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', () => r()),
      ),
    kill: () => proc.kill('SIGKILL'),
  };
}
