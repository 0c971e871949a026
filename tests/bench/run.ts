// Runs every *.bench.ts in this folder, one after another, each in its own process so one benchmark's
// heap, sockets and JIT state do not colour the next. `npm run bench -- first` runs only files whose name contains "first".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filters.length || filters.some((w) => f.includes(w)))
  .sort();

if (!files.length) {
  console.error(
    `no *.bench.ts in ${path.relative(process.cwd(), dir) || '.'}${filters.length ? ` matching ${filters.join(', ')}` : ''}`,
  );
  process.exit(1);
}

const failed: string[] = [];
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [...process.execArgv, path.join(dir, f)], {
    stdio: 'inherit',
    env: process.env,
  });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status === 0) console.log(`=== ${f}: done in ${took} s ===`);
  else {
    failed.push(f);
    console.log(`=== ${f}: FAILED (${r.signal ?? `exit ${r.status}`}) after ${took} s ===`);
  }
}
if (failed.length) {
  console.error(`\n${failed.length} benchmark(s) did not complete: ${failed.join(', ')}`);
  process.exit(1);
}
