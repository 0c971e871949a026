// One structured logger; modules take a child with a fixed category.
import { pino, type Logger } from 'pino';

export type LogCategory = 'http' | 'convert' | 'realtime' | 'storage' | 'tracking' | 'mail' | 'notify' | 'app';

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

export function category(logger: Logger, name: LogCategory): Logger {
  return logger.child({ cat: name });
}

export type { Logger };
