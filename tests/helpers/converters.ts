// Builds each Converter adapter for tests with small, test-friendly settings and a private work directory.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../server/logger.ts';
import type { Converter } from '../../server/conversion/converter.ts';
import { LibreOfficeConvertConverter } from '../../server/conversion/libreoffice-convert.ts';
import { UnoPoolConverter, type UnoPoolOptions } from '../../server/conversion/uno-pool.ts';

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export async function workRoot(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `pagetrail-${name}-`));
}

export function unoPool(root: string, o: Partial<UnoPoolOptions> = {}): UnoPoolConverter {
  return new UnoPoolConverter({
    // Deadlines far past a normal run: a cold soffice on a loaded machine has taken over a minute.
    size: 2,
    queueMax: 8,
    timeoutMs: 180_000,
    restartAfter: 50,
    startTimeoutMs: 120_000,
    sofficePath: process.env.SOFFICE_PATH ?? 'soffice',
    pythonPath: process.env.CONVERT_PYTHON_PATH ?? '/usr/bin/python3',
    logger: testLogger,
    workRoot: root,
    ...o,
  });
}

export function libreOfficeConvert(root: string, timeoutMs = 180_000): LibreOfficeConvertConverter {
  return new LibreOfficeConvertConverter({ timeoutMs, logger: testLogger, workRoot: root });
}

export interface AdapterUnderTest {
  name: string;
  /** Keeps soffice running between jobs (so a first job can bring it up before the job under test). */
  pooled: boolean;
  make(root: string, timeoutMs?: number): Converter;
}

export const ADAPTERS: AdapterUnderTest[] = [
  // With a deadline (the frozen-job test), no idle probe either: the freeze must hit the job, not a probe.
  {
    name: 'uno-pool',
    pooled: true,
    make: (root, timeoutMs) => unoPool(root, timeoutMs ? { timeoutMs, idleProbeMs: 600_000 } : {}),
  },
  { name: 'libreoffice-convert', pooled: false, make: (root, timeoutMs) => libreOfficeConvert(root, timeoutMs) },
];
