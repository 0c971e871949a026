// What is made after a document is ready (its thumbnails and the reader's page-1 image) runs at a lower CPU
// priority than conversions: a page image rendered while other uploads convert would take the core their
// LibreOffice needs, and a sender waits for `ready`, not for a thumbnail.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The niceness of after-ready work (0 is the service's own; 19 the lowest). */
export const BACKGROUND_NICENESS = 10;

/** execFile, promised, with the child lowered to BACKGROUND_NICENESS (or the service's own, if lower still) as
 * soon as it exists. */
export function runInBackground(
  file: string,
  args: string[],
  opts: { signal?: AbortSignal | undefined; timeout: number },
): Promise<{ stdout: string; stderr: string }> {
  const p = run(file, args, opts);
  try {
    if (p.child.pid) os.setPriority(p.child.pid, Math.max(os.getPriority(), BACKGROUND_NICENESS));
  } catch {
    // Gone already, or not ours to change: it runs at the service's priority.
  }
  return p;
}
