// Picks the Converter implementation from configuration.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Converter } from './converter.ts';
import { LibreOfficeConvertConverter } from './libreoffice-convert.ts';

export function createConverter(config: Config, _logger: Logger): Converter {
  return new LibreOfficeConvertConverter({ timeoutMs: config.CONVERT_TIMEOUT_MS });
}
