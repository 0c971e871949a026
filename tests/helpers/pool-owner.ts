// A stand-in for the service in crash tests: owns a UNO pool exactly as the service does (default work root under
// the system temp directory, default run-as user) and converts the file named on each stdin line, printing
// {"done": path} or {"failed": code}. The test kills its process group with SIGKILL at chosen moments.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { OfficeFormat } from '../../server/conversion/converter.ts';
import { resolveRunAs } from '../../server/conversion/run-as.ts';
import { UnoPoolConverter } from '../../server/conversion/uno-pool.ts';
import { createLogger } from '../../server/logger.ts';

const pool = new UnoPoolConverter({
  size: 1,
  queueMax: 4,
  timeoutMs: 120_000,
  restartAfter: 100,
  startTimeoutMs: 60_000,
  sofficePath: process.env.SOFFICE_PATH ?? 'soffice',
  pythonPath: process.env.CONVERT_PYTHON_PATH ?? '/usr/bin/python3',
  logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  owner: resolveRunAs('auto'),
});
process.stdout.write(`${JSON.stringify({ root: pool.workRoot })}\n`);

for await (const line of readline.createInterface({ input: process.stdin })) {
  const input = line.trim();
  if (!input) continue;
  const outputDir = await fs.mkdtemp(path.join(os.tmpdir(), 'out-'));
  pool
    .convert({ inputPath: input, format: path.extname(input).slice(1) as OfficeFormat, outputDir })
    .then((p) => process.stdout.write(`${JSON.stringify({ done: p })}\n`))
    .catch((err: { code?: string }) =>
      process.stdout.write(`${JSON.stringify({ failed: err.code ?? String(err) })}\n`),
    );
}
