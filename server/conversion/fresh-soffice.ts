// The fallback for a document the pooled soffice cannot load or crashes on twice: one plain
// `soffice --convert-to pdf` in a fresh process, hardened like the pool (seeded profile, allowlisted environment,
// the pool's run-as user). Some damaged files load only through that path (its import runs with the repair
// handling of an interactive start), so it converts what plain LibreOffice converts.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { conversionAborted, conversionFailed, conversionTimeout } from '../errors.ts';
import { killProcesses } from './proc-sweep.ts';
import { officeEnv, seedProfile } from './profile.ts';
import { giveTree, type Owner } from './run-as.ts';

const run = promisify(execFile);

export interface FreshConvert {
  sofficePath: string;
  /** The input, inside dir. */
  input: string;
  /** The job's private directory (already the owner's); the process gets its own folders in it. */
  dir: string;
  owner: Owner | null;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Resolves with the path of the produced PDF; rejects with conversion_failed, _timeout or _aborted. */
export async function convertInFreshSoffice(o: FreshConvert): Promise<string> {
  const base = path.join(o.dir, 'fresh');
  const [profile, tmp, out] = ['profile', 'tmp', 'out'].map((d) => path.join(base, d)) as [string, string, string];
  for (const d of [tmp, out]) await fs.mkdir(d, { recursive: true, mode: 0o700 });
  const profileUrl = await seedProfile(profile);
  await giveTree(base, o.owner);
  const started = Date.now();
  try {
    await run(
      o.sofficePath,
      [
        `-env:UserInstallation=${profileUrl}`,
        '--headless',
        '--invisible',
        '--nocrashreport',
        '--nodefault',
        '--nologo',
        '--nofirststartwizard',
        '--norestore',
        '--nolockcheck',
        '--convert-to',
        'pdf',
        '--outdir',
        out,
        o.input,
      ],
      {
        cwd: tmp,
        env: officeEnv(profile, tmp),
        timeout: o.timeoutMs,
        killSignal: 'SIGKILL',
        signal: o.signal,
        ...(o.owner ? { uid: o.owner.uid, gid: o.owner.gid } : {}),
      },
    );
  } catch (err) {
    if (o.signal?.aborted) throw conversionAborted({ cause: err });
    if (Date.now() - started >= o.timeoutMs - 50) throw conversionTimeout({ cause: err });
    throw conversionFailed({ cause: err });
  } finally {
    // A timeout kills only the launcher; oosplash and soffice.bin are found by their profile in the command line.
    await killProcesses(base + path.sep);
  }
  const pdf = path.join(out, `${path.parse(o.input).name}.pdf`);
  // soffice exits 0 even when it could not load the file; then there is simply no PDF.
  if (
    !(await fs.stat(pdf).then(
      (s) => s.size > 0,
      () => false,
    ))
  )
    throw conversionFailed({ cause: new Error('soffice --convert-to produced no PDF') });
  return pdf;
}
