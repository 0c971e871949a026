// A real pino logger whose lines are kept in memory, for tests of what reaches the log.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../server/logger.ts';

export function captureLogs(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level, base: undefined }, sink), lines };
}
