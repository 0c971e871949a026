// Finds and kills processes by a marker in their command line (Linux /proc). Used where we cannot hold the
// process group ourselves: libreoffice-convert starts soffice for us and, on a timeout, kills only the launcher.
import fs from 'node:fs/promises';

export async function findProcesses(marker: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await fs.readdir('/proc');
  } catch {
    return []; // not Linux: nothing we can do here
  }
  const found: number[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const pid = Number(e);
        if (pid === process.pid) return;
        try {
          const cmdline = (await fs.readFile(`/proc/${e}/cmdline`, 'utf8')).replace(/\0/g, ' ');
          if (cmdline.includes(marker)) found.push(pid);
        } catch {
          // exited meanwhile, or not ours to read
        }
      }),
  );
  return found;
}

export async function killProcesses(marker: string): Promise<number> {
  const pids = await findProcesses(marker);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pids.length;
}

/** Whether a process id is in use (ours or another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
