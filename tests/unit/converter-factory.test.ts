// createConverter picks the engine from CONVERTER; 'auto' probes python3-uno and soffice once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../server/config.ts';
import { createConverter, unoAvailable } from '../../server/conversion/index.ts';
import { createLogger } from '../../server/logger.ts';

const logger = createLogger('silent');

test('CONVERTER=libreoffice-convert picks the per-call adapter', async () => {
  const c = createConverter(loadConfig({ CONVERTER: 'libreoffice-convert' }), logger);
  assert.equal(c.status().engine, 'libreoffice-convert');
  await c.close();
});

test('CONVERTER=uno picks the pool, which starts nothing until the first job', async () => {
  const c = createConverter(loadConfig({ CONVERTER: 'uno' }), logger);
  assert.deepEqual(
    { ...c.status(), detail: undefined },
    { ready: true, engine: 'uno-pool', queued: 0, running: 0, detail: undefined },
  );
  await c.close();
});

test('CONVERTER=auto falls back when the Python cannot import uno', async () => {
  const config = loadConfig({ CONVERTER: 'auto', CONVERT_PYTHON_PATH: 'pagetrail-no-such-python' });
  assert.equal(unoAvailable(config), false);
  const c = createConverter(config, logger);
  assert.equal(c.status().engine, 'libreoffice-convert');
  await c.close();
});

test('CONVERTER=auto picks the pool when python3-uno and soffice are present', async (t) => {
  const config = loadConfig({ CONVERTER: 'auto' });
  if (!unoAvailable(config)) return t.skip('python3-uno or soffice not installed here');
  const c = createConverter(config, logger);
  assert.equal(c.status().engine, 'uno-pool');
  await c.close();
});
