// Liveness and readiness: /readyz answers 200 only when database, blob storage and converter are usable.
import { Router } from 'express';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { DatabaseAdapter } from '../../storage/db/index.ts';
import type { Converter } from '../conversion/converter.ts';

export function healthRoutes(d: { database: DatabaseAdapter; blobs: BlobStore; converter: Converter }): Router {
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
      converter: converter.ready ? 'ok' : 'unavailable',
    };
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks, conversions: converter });
  });
  return r;
}
