// Which soffice processes belong to a converter under test (by its private directory in their command line).
import fs from 'node:fs';
import { findProcesses } from '../../server/conversion/proc-sweep.ts';

/** Live soffice.bin processes whose command line mentions `marker`. Zombies count as gone. */
export async function officeProcesses(marker: string): Promise<number[]> {
  const pids = await findProcesses(marker);
  return pids.filter((pid) => isAlive(pid) && readComm(pid) === 'soffice.bin');
}

export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function readComm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
