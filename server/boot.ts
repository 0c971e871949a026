// Builds the concrete parts from configuration: shared by the server (main.ts) and the CLI.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createBlobStore, type BlobStore } from '../storage/blobs/index.ts';
import { openDatabase, type DatabaseAdapter } from '../storage/db/index.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export async function openStorage(config: Config): Promise<{ database: DatabaseAdapter; blobs: BlobStore }> {
  // Only the service's own account may read its data: other local users, and the account soffice runs as, may not.
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await fs.chmod(config.dataDir, 0o700);
  const database = await openDatabase(config);
  const blobs = await createBlobStore(config);
  return { database, blobs };
}

/** Temp files left by a process that died mid-upload are removed at the next start. */
export async function clearTemp(config: Config): Promise<void> {
  const dir = path.join(config.dataDir, 'tmp');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
}
