// Who soffice runs as. A service started as root hands LibreOffice (which parses untrusted files) to an
// unprivileged account instead, so a flaw in it does not come with root's rights.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface Owner {
  uid: number;
  gid: number;
}

/** `auto`: `nobody` when running as root, else nobody else; `none`: the service's own user; or a user name. */
export function resolveRunAs(setting: string): Owner | null {
  const root = process.getuid?.() === 0;
  if (setting === 'none' || (setting === 'auto' && !root)) return null;
  const user = setting === 'auto' ? 'nobody' : setting;
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Gives a directory tree to the owner (profile, temp and job directories soffice must write in). */
export async function giveTree(dir: string, owner: Owner | null): Promise<void> {
  if (!owner) return;
  await fs.chown(dir, owner.uid, owner.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    await fs.chown(path.join(entry.parentPath, entry.name), owner.uid, owner.gid);
  }
}
