// Converter adapter over libreoffice-convert: a fresh soffice and profile per call. Slow but needs nothing else.
// Hardened like the pool: the per-call profile is pre-seeded, soffice sees an allowlisted environment, runs in
// a private job directory, and is swept by command line after the call (a timeout only kills its launcher).
import { randomBytes } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import libre from 'libreoffice-convert';
import type { Logger } from '../logger.ts';
import { AppError, conversionAborted, conversionTimeout, converterClosed, converterUnavailable } from '../errors.ts';
import type { ConvertJob, Converter, ConverterStatus } from './converter.ts';
import { acceptPdf, asAppError, withJobDir } from './job-files.ts';
import { killProcesses } from './proc-sweep.ts';
import { officeEnv, registryModifications } from './profile.ts';

type ConvertWithOptions = (
  doc: Buffer,
  format: string,
  filter: string | undefined,
  options: {
    fileName: string;
    tmpOptions?: { tmpdir?: string };
    sofficeBinaryPaths?: string[];
    execOptions?: {
      timeout?: number;
      signal?: AbortSignal;
      killSignal?: string;
      env?: NodeJS.ProcessEnv;
      cwd?: string;
    };
  },
  cb: (err: Error | null, out: Buffer) => void,
) => void;

const convertWithOptions = (libre as unknown as { convertWithOptions: ConvertWithOptions }).convertWithOptions;

// By hand rather than util.promisify: convertWithOptions also returns a promise, which promisify warns about.
function convertAsync(
  ...args: [Buffer, string, string | undefined, Parameters<ConvertWithOptions>[3]]
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    convertWithOptions(...args, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

export interface LibreOfficeConvertOptions {
  timeoutMs: number;
  sofficePath?: string;
  logger?: Logger;
  workRoot?: string;
}

export class LibreOfficeConvertConverter implements Converter {
  private running = 0;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly sofficePath: string | undefined;
  private readonly log: Logger | undefined;
  private readonly workRoot: string;

  constructor(opts: LibreOfficeConvertOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.sofficePath = opts.sofficePath;
    this.log = opts.logger;
    this.workRoot =
      opts.workRoot ?? path.join(os.tmpdir(), `pagetrail-lo-${process.pid}-${randomBytes(4).toString('hex')}`);
  }

  async convert(job: ConvertJob): Promise<string> {
    if (this.closed) throw converterClosed();
    this.running++;
    const started = Date.now();
    try {
      return await withJobDir(this.workRoot, job, async (dir, input) => {
        const home = path.join(dir, 'home');
        await fs.mkdir(home);
        // Lets us stop soffice before it ever starts should the profile not be seeded.
        const local = new AbortController();
        const signal = job.signal ? AbortSignal.any([job.signal, local.signal]) : local.signal;
        try {
          const source = await fs.readFile(input);
          const pending = convertAsync(source, 'pdf', undefined, {
            fileName: `source.${job.format}`,
            tmpOptions: { tmpdir: dir },
            // Searched before its built-in list, so SOFFICE_PATH is honoured when it exists.
            sofficeBinaryPaths: this.sofficePath ? [this.sofficePath] : [],
            execOptions: {
              timeout: this.timeoutMs,
              killSignal: 'SIGKILL',
              signal,
              env: officeEnv(home, dir),
              cwd: dir,
            },
          });
          // libreoffice-convert creates its profile directory synchronously (and soffice only after async
          // look-ups), so the hardened settings are in place before soffice first reads them. A second
          // -env:UserInstallation argument would not help: soffice honours the first one.
          try {
            seedCreatedProfile(dir);
          } catch (err) {
            local.abort(err);
            await pending.catch(() => undefined);
            throw converterUnavailable({ cause: err });
          }
          const pdf = await pending;
          const out = path.join(dir, 'out.pdf');
          await fs.writeFile(out, pdf);
          return await acceptPdf(out, job);
        } catch (err) {
          if (err instanceof AppError) throw err;
          if (job.signal?.aborted) throw conversionAborted({ cause: err });
          if (Date.now() - started >= this.timeoutMs - 50) {
            throw conversionTimeout({ cause: err });
          }
          throw asAppError(err);
        } finally {
          await killProcesses(dir);
        }
      });
    } catch (err) {
      const e = asAppError(err);
      this.log?.warn(
        { code: e.code, format: job.format, ms: Date.now() - started, err: e.cause ?? e },
        'conversion failed',
      );
      throw e;
    } finally {
      this.running--;
      this.log?.info({ ms: Date.now() - started, running: this.running }, 'conversion finished');
    }
  }

  status(): ConverterStatus {
    return { ready: !this.closed, engine: 'libreoffice-convert', queued: 0, running: this.running };
  }

  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    const until = Date.now() + deadlineMs;
    while (this.running > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await killProcesses(this.workRoot);
    await fs.rm(this.workRoot, { recursive: true, force: true });
  }
}

function seedCreatedProfile(dir: string): void {
  const profile = fsSync.readdirSync(dir).find((n) => n.startsWith('soffice'));
  if (!profile) throw new Error('libreoffice-convert did not create its profile directory where expected');
  fsSync.mkdirSync(path.join(dir, profile, 'user'), { recursive: true });
  fsSync.writeFileSync(path.join(dir, profile, 'user', 'registrymodifications.xcu'), registryModifications());
}
