// Picks the Converter implementation from configuration: the warm UNO pool where python3-uno and soffice are
// present (decided once, at start), else libreoffice-convert.
import { execFileSync } from 'node:child_process';
import type { Config } from '../config.ts';
import { category, type Logger } from '../logger.ts';
import type { Converter } from './converter.ts';
import { LibreOfficeConvertConverter } from './libreoffice-convert.ts';
import { resolveRunAs } from './run-as.ts';
import { UnoPoolConverter } from './uno-pool.ts';

type ConverterConfig = Pick<
  Config,
  | 'CONVERTER'
  | 'CONVERT_TIMEOUT_MS'
  | 'CONVERT_RESTART_AFTER'
  | 'CONVERT_QUEUE_MAX'
  | 'CONVERT_POOL_SIZE'
  | 'SOFFICE_PATH'
  | 'CONVERT_PYTHON_PATH'
  | 'CONVERT_START_TIMEOUT_MS'
> &
  Partial<Pick<Config, 'CONVERT_RUN_AS'>>;

export function createConverter(config: ConverterConfig, logger: Logger): Converter {
  const log = category(logger, 'convert');
  const useUno = config.CONVERTER === 'uno' || (config.CONVERTER === 'auto' && unoAvailable(config, log));
  if (!useUno) {
    log.info({ engine: 'libreoffice-convert' }, 'converter selected');
    return new LibreOfficeConvertConverter({
      timeoutMs: config.CONVERT_TIMEOUT_MS,
      sofficePath: config.SOFFICE_PATH,
      logger: log,
    });
  }
  const owner = resolveRunAs(config.CONVERT_RUN_AS ?? 'auto');
  log.info(
    { engine: 'uno-pool', size: config.CONVERT_POOL_SIZE, runAsUid: owner?.uid ?? process.getuid?.() },
    'converter selected',
  );
  return new UnoPoolConverter({
    size: config.CONVERT_POOL_SIZE,
    queueMax: config.CONVERT_QUEUE_MAX,
    timeoutMs: config.CONVERT_TIMEOUT_MS,
    restartAfter: config.CONVERT_RESTART_AFTER,
    startTimeoutMs: config.CONVERT_START_TIMEOUT_MS,
    sofficePath: config.SOFFICE_PATH,
    pythonPath: config.CONVERT_PYTHON_PATH,
    logger: log,
    owner,
  });
}

/** True when the configured Python can import uno and soffice runs; a one-off check at start-up. */
export function unoAvailable(config: Pick<Config, 'SOFFICE_PATH' | 'CONVERT_PYTHON_PATH'>, log?: Logger): boolean {
  try {
    execFileSync(config.CONVERT_PYTHON_PATH, ['-c', 'import uno'], { stdio: 'ignore', timeout: 10_000 });
    execFileSync(config.SOFFICE_PATH, ['--version'], {
      stdio: 'ignore',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    return true;
  } catch (err) {
    log?.warn({ err }, 'UNO pool unavailable; falling back to libreoffice-convert');
    return false;
  }
}
