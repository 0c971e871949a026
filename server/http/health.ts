// Liveness and readiness: /readyz answers 200 only when database, blob storage and converter are usable.
import { Router } from 'express';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { DatabaseAdapter } from '../../storage/db/index.ts';
import type { Converter } from '../conversion/converter.ts';
import type { ConversionQueue } from '../conversion/queue.ts';

/** `queue`: conversions go to workers (CONVERT_MODE=queue); the converter that must be usable is the queue. */
export function healthRoutes(d: {
  database: DatabaseAdapter;
  blobs: BlobStore;
  converter: Converter;
  queue?: Pick<ConversionQueue, 'waiting'> | null;
}): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const check = async (f: () => Promise<unknown>) =>
      f().then(
        () => 'ok',
        () => 'unavailable',
      );
    const converter = d.converter.status();
    const checks = {
      database: await check(() => d.database.check()),
      storage: await check(() => d.blobs.check()),
      converter: d.queue ? await check(() => d.queue!.waiting()) : converter.ready ? 'ok' : 'unavailable',
    };
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks, conversions: converter });
  });
  return r;
}
